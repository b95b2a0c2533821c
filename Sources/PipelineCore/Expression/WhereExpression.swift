/// A `where:` expression, parsed once when the pipeline file is loaded and evaluated per posting.
///
/// Grammar, loosest first: `or`, `and`, `not`, then comparisons (`==`, `!=`, `<`, `<=`, `>`,
/// `>=`, `in [..]`, `contains`), then operands: dotted field paths, 'single' or "double" quoted
/// strings, numbers, `true`, `false`, `null`, lists `[a, b]`, and parentheses. A field alone is
/// true when it is present and not empty, false or zero.
///
/// ```swift
/// let e = try WhereExpression(parsing: #"role_type == "backend_engineer" and location.country in ["CA", "US"]"#)
/// e.matches(posting)
/// ```
public struct WhereExpression: OptionValue, Hashable, CustomStringConvertible {
    /// The parsed tree.
    indirect enum Node: Sendable, Hashable {
        case field(FieldPath)
        case literal(FieldValue)
        case list([FieldValue])
        case not(Node)
        case and(Node, Node)
        case or(Node, Node)
        case compare(Node, Comparison, Node)
        case contains(Node, Node)
        case isIn(Node, Node)
    }

    enum Comparison: String, Sendable, Hashable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// The expression as written.
    public let text: String
    let root: Node

    public static let optionType = "expression, e.g. role_type == \"backend_engineer\" and not location.remote"
    public static let placeholder = WhereExpression(text: "true", root: .literal(.bool(true)))

    private init(text: String, root: Node) {
        self.text = text
        self.root = root
    }

    /// Parses an expression; errors carry the 0-based character offset of the problem.
    public init(parsing text: String) throws(ConfigValueError) {
        var parser = ExpressionParser(text: text)
        self.text = text
        self.root = try parser.parse()
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }

    /// The expression as written.
    public var description: String { text }

    /// Whether the posting satisfies the expression.
    public func matches(_ posting: JobPosting) -> Bool {
        Self.evaluate(root, posting).isTruthy
    }

    private static func evaluate(_ node: Node, _ p: JobPosting) -> FieldValue {
        switch node {
        case .field(let path): return path.get(p)
        case .literal(let v): return v
        case .list(let items): return .list(items.map(\.description))
        case .not(let inner): return .bool(!evaluate(inner, p).isTruthy)
        case .and(let a, let b): return .bool(evaluate(a, p).isTruthy && evaluate(b, p).isTruthy)
        case .or(let a, let b): return .bool(evaluate(a, p).isTruthy || evaluate(b, p).isTruthy)
        case .compare(let a, let op, let b): return .bool(compare(evaluate(a, p), op, evaluate(b, p)))
        case .contains(let a, let b):
            let hay = evaluate(a, p), needle = evaluate(b, p)
            switch hay {
            case .list(let items):
                let n = needle.description.lowercased()
                return .bool(items.contains { $0.lowercased() == n })
            case .null: return .bool(false)
            default:
                if case .null = needle { return .bool(false) }
                return .bool(hay.description.lowercased().contains(needle.description.lowercased()))
            }
        case .isIn(let a, let b):
            let value = evaluate(a, p)
            guard case .list(let items) = b else { return .bool(false) }
            return .bool(items.contains { equal(value, $0) })
        }
    }

    private static func listItems(_ node: Node) -> [FieldValue] {
        if case .list(let items) = node { return items }
        return []
    }

    /// Equality that lets a number field equal a numeric string literal, and compares text
    /// exactly.
    private static func equal(_ a: FieldValue, _ b: FieldValue) -> Bool {
        switch (a, b) {
        case let (.number(x), .string(s)), let (.string(s), .number(x)):
            return Double(s) == x
        case let (.list(items), .string(s)), let (.string(s), .list(items)):
            return items == [s]
        default:
            return a == b
        }
    }

    private static func compare(_ a: FieldValue, _ op: Comparison, _ b: FieldValue) -> Bool {
        switch op {
        case .equal: return equal(a, b)
        case .notEqual: return !equal(a, b)
        default: break
        }
        // Ordering needs two present values of one kind; anything else is false.
        let ordering: Int
        switch (a, b) {
        case let (.number(x), .number(y)): ordering = x < y ? -1 : (x > y ? 1 : 0)
        case let (.number(x), .string(s)):
            guard let y = Double(s) else { return false }
            ordering = x < y ? -1 : (x > y ? 1 : 0)
        case let (.string(s), .number(y)):
            guard let x = Double(s) else { return false }
            ordering = x < y ? -1 : (x > y ? 1 : 0)
        case let (.string(x), .string(y)): ordering = x < y ? -1 : (x > y ? 1 : 0)
        default: return false
        }
        switch op {
        case .less: return ordering < 0
        case .lessOrEqual: return ordering <= 0
        case .greater: return ordering > 0
        case .greaterOrEqual: return ordering >= 0
        default: return false
        }
    }
}

/// Recursive-descent parser for `WhereExpression`.
struct ExpressionParser {
    enum Token: Equatable {
        case identifier(String)
        case string(String)
        case number(Double)
        case op(String)
        case leftParen, rightParen, leftBracket, rightBracket, comma
        case end
    }

    private let chars: [Character]
    private var tokens: [(Token, Int)] = []
    private var position = 0
    private let source: String

    init(text: String) {
        self.chars = Array(text)
        self.source = text
    }

    mutating func parse() throws(ConfigValueError) -> WhereExpression.Node {
        try tokenize()
        if case .end = tokens[0].0 { throw ConfigValueError("empty expression; write a condition such as location.country == \"CA\"") }
        let node = try parseOr()
        guard case .end = current else {
            throw ConfigValueError("unexpected \(describe(current)) after a complete condition; join conditions with 'and' or 'or'", offset: offset)
        }
        return node
    }

    private var current: Token { tokens[position].0 }
    private var offset: Int { tokens[position].1 }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private mutating func tokenize() throws(ConfigValueError) {
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
                continue
            }
            let start = i
            switch c {
            case "(": tokens.append((.leftParen, i)); i += 1
            case ")": tokens.append((.rightParen, i)); i += 1
            case "[": tokens.append((.leftBracket, i)); i += 1
            case "]": tokens.append((.rightBracket, i)); i += 1
            case ",": tokens.append((.comma, i)); i += 1
            case "=", "!", "<", ">":
                if i + 1 < chars.count, chars[i + 1] == "=" {
                    tokens.append((.op(String([c, "="])), i))
                    i += 2
                } else if c == "<" || c == ">" {
                    tokens.append((.op(String(c)), i))
                    i += 1
                } else if c == "=" {
                    throw ConfigValueError("'=' is not an operator; compare with '=='", offset: i)
                } else {
                    throw ConfigValueError("'!' is not an operator; write 'not' or '!='", offset: i)
                }
            case "\"", "'":
                var value = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "\\", i + 1 < chars.count {
                        value.append(chars[i + 1])
                        i += 2
                        continue
                    }
                    if chars[i] == c {
                        closed = true
                        i += 1
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                guard closed else { throw ConfigValueError("unterminated string; close it with \(c)", offset: start) }
                tokens.append((.string(value), start))
            default:
                if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
                    i += 1
                    while i < chars.count, chars[i].isNumber || chars[i] == "." || chars[i] == "_" { i += 1 }
                    let text = String(chars[start..<i]).replacingOccurrences(of: "_", with: "")
                    guard let n = Double(text) else { throw ConfigValueError("'\(text)' is not a number", offset: start) }
                    tokens.append((.number(n), start))
                } else if c.isLetter || c == "_" {
                    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "." || chars[i] == "-" {
                        i += 1
                    }
                    tokens.append((.identifier(String(chars[start..<i])), start))
                } else {
                    throw ConfigValueError("unexpected character '\(c)'", offset: i)
                }
            }
        }
        tokens.append((.end, chars.count))
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .identifier(let s): return "'\(s)'"
        case .string(let s): return "string \"\(s)\""
        case .number(let n): return "number \(n)"
        case .op(let o): return "'\(o)'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .comma: return "','"
        case .end: return "end of expression"
        }
    }

    private func isKeyword(_ word: String) -> Bool {
        if case .identifier(let s) = current { return s.lowercased() == word }
        return false
    }

    private mutating func parseOr() throws(ConfigValueError) -> WhereExpression.Node {
        var left = try parseAnd()
        while isKeyword("or") {
            advance()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(ConfigValueError) -> WhereExpression.Node {
        var left = try parseNot()
        while isKeyword("and") {
            advance()
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(ConfigValueError) -> WhereExpression.Node {
        if isKeyword("not") {
            advance()
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ConfigValueError) -> WhereExpression.Node {
        let left = try parseOperand()
        if case .op(let o) = current, let op = WhereExpression.Comparison(rawValue: o) {
            advance()
            return .compare(left, op, try parseOperand())
        }
        if isKeyword("contains") {
            advance()
            return .contains(left, try parseOperand())
        }
        if isKeyword("in") {
            advance()
            let at = offset
            let right = try parseOperand()
            guard case .list = right else { throw ConfigValueError("'in' needs a list such as [\"CA\", \"US\"]", offset: at) }
            return .isIn(left, right)
        }
        if isKeyword("not"), position + 1 < tokens.count, case .identifier(let next) = tokens[position + 1].0, next.lowercased() == "in" {
            advance()
            advance()
            let at = offset
            let right = try parseOperand()
            guard case .list = right else { throw ConfigValueError("'not in' needs a list such as [\"CA\", \"US\"]", offset: at) }
            return .not(.isIn(left, right))
        }
        return left
    }

    private mutating func parseOperand() throws(ConfigValueError) -> WhereExpression.Node {
        let at = offset
        switch current {
        case .leftParen:
            advance()
            let inner = try parseOr()
            guard case .rightParen = current else {
                throw ConfigValueError("expected ')' to close the '(' at character \(at + 1) of the expression, found \(describe(current))", offset: offset)
            }
            advance()
            return inner
        case .leftBracket:
            advance()
            var items: [FieldValue] = []
            if case .rightBracket = current {
                advance()
                return .list(items)
            }
            while true {
                switch current {
                case .string(let s): items.append(.string(s))
                case .number(let n): items.append(.number(n))
                case .identifier(let w) where ["true", "false"].contains(w.lowercased()): items.append(.bool(w.lowercased() == "true"))
                default: throw ConfigValueError("expected a string or number in the list, found \(describe(current))", offset: offset)
                }
                advance()
                if case .comma = current {
                    advance()
                    continue
                }
                guard case .rightBracket = current else {
                    throw ConfigValueError("expected ',' or ']' in the list, found \(describe(current))", offset: offset)
                }
                advance()
                return .list(items)
            }
        case .string(let s):
            advance()
            return .literal(.string(s))
        case .number(let n):
            advance()
            return .literal(.number(n))
        case .identifier(let word):
            switch word.lowercased() {
            case "true": advance(); return .literal(.bool(true))
            case "false": advance(); return .literal(.bool(false))
            case "null": advance(); return .literal(.null)
            case "and", "or", "in", "contains":
                throw ConfigValueError("expected a field or value before '\(word)'", offset: at)
            default:
                do {
                    let path = try FieldPath(parsing: word)
                    advance()
                    return .field(path)
                } catch {
                    let hint = error.message.contains("did you mean") ? "" : "; quote text values: \"\(word)\""
                    throw ConfigValueError(error.message + hint, offset: at)
                }
            }
        case .end:
            throw ConfigValueError("the expression ends where a field or value was expected", offset: at)
        default:
            throw ConfigValueError("expected a field or value, found \(describe(current))", offset: at)
        }
    }
}
