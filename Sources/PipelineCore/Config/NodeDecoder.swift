import Foundation
import Yams

/// A `Decoder` over a Yams node that records problems with their line and column in the session
/// and continues with placeholders, and remembers which keys each mapping had read.
///
/// Written here because Yams' own decoder stops at the first error, loses node positions in its
/// errors and accepts unknown keys silently; the pipeline file's contract needs all three.
struct NodeDecoder: Decoder {
    let node: Node
    let session: DecodingSession
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] {
        var info: [CodingUserInfoKey: Any] = session.userInfo
        switch node {
        case .scalar: info[configNodeKindKey] = "scalar"
        case .sequence: info[configNodeKindKey] = "sequence"
        case .mapping: info[configNodeKindKey] = "mapping"
        case .alias: info[configNodeKindKey] = "scalar"
        }
        return info
    }

    var optionName: String {
        codingPath.last.map { $0.intValue.map { "item \($0 + 1)" } ?? "'\($0.stringValue)'" } ?? "value"
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else {
            session.error("expected a mapping (key: value lines) for \(optionName), found \(node.kindWords)", at: node.mark)
            return KeyedDecodingContainer(ProbeKeyedContainer<Key>(recorder: nil, codingPath: codingPath))
        }
        return KeyedDecodingContainer(NodeKeyedContainer<Key>(mapping: mapping, session: session, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch node {
        case .sequence(let sequence):
            return NodeUnkeyedContainer(nodes: Array(sequence), session: session, codingPath: codingPath)
        case .scalar(let s) where s.string.isEmpty || s.isNull:
            return NodeUnkeyedContainer(nodes: [], session: session, codingPath: codingPath)
        default:
            session.error("expected a list for \(optionName), found \(node.kindWords)", at: node.mark)
            return ProbeUnkeyedContainer(codingPath: codingPath)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        NodeSingleValueContainer(decoder: self)
    }

    /// Decodes a value of any type from this node, recording what goes wrong and returning a
    /// placeholder in its place.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            if let scalarValue = try decodeScalar(type) { return scalarValue }
            return try T(from: self)
        } catch is AlreadyReported {
            // The problem is recorded; a value built on it would only add noise.
        } catch let error as ConfigValueError {
            session.error(error.message, at: node.mark, offset: error.offset + node.quoteOffset)
        } catch let error as DecodingError {
            session.error("invalid value for \(optionName): \(error.plainDescription)", at: node.mark)
        } catch is DecodingAbandoned {
            throw DecodingAbandoned()
        } catch {
            session.error("invalid value for \(optionName): \(error)", at: node.mark)
        }
        return try placeholder(T.self)
    }

    /// Plain YAML scalars for the standard types; nil for every other type.
    private func decodeScalar<T>(_ type: T.Type) throws -> T? {
        guard T.self == String.self || T.self == Int.self || T.self == Double.self || T.self == Bool.self else {
            return nil
        }
        let container = NodeSingleValueContainer(decoder: self)
        if T.self == String.self { return try container.decode(String.self) as? T }
        if T.self == Int.self { return try container.decode(Int.self) as? T }
        if T.self == Double.self { return try container.decode(Double.self) as? T }
        return try container.decode(Bool.self) as? T
    }
}

/// Thrown by a scalar read whose problem is already recorded, so that the value built on it is
/// replaced by a placeholder without a second, derived error.
struct AlreadyReported: Error {}

/// A placeholder value of any decodable type, built by the probe decoder.
func placeholder<T: Decodable>(_ type: T.Type) throws -> T {
    do {
        return try probeValue(T.self, codingPath: [])
    } catch {
        throw DecodingAbandoned()
    }
}

extension Node {
    var kindWords: String {
        switch self {
        case .scalar(let s): return s.isNull ? "nothing" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// One column for the opening quote of a quoted scalar.
    var quoteOffset: Int {
        if case .scalar(let s) = self, s.style == .singleQuoted || s.style == .doubleQuoted { return 1 }
        return 0
    }
}

extension Node.Scalar {
    /// `~`, `null` or nothing, written plainly.
    var isNull: Bool {
        guard style == .plain || style == .any else { return false }
        return string.isEmpty || string == "~" || string.lowercased() == "null"
    }
}

extension DecodingError {
    /// The error's message without Swift type names.
    var plainDescription: String {
        switch self {
        case .dataCorrupted(let c), .typeMismatch(_, let c), .valueNotFound(_, let c): return c.debugDescription
        case .keyNotFound(let key, _): return "missing '\(key.stringValue)'"
        @unknown default: return "invalid value"
        }
    }
}

struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let mapping: Node.Mapping
    let session: DecodingSession
    let codingPath: [any CodingKey]

    private func markRead(_ key: Key) {
        session.accessed[DecodingSession.MarkKey(mapping.mark), default: []].insert(key.stringValue)
    }

    private func node(for key: Key) -> Node? {
        markRead(key)
        for (k, v) in mapping where k.scalar?.string == key.stringValue { return v }
        return nil
    }

    var allKeys: [Key] {
        mapping.keys.compactMap { $0.scalar?.string }.compactMap { Key(stringValue: $0) }
    }

    func contains(_ key: Key) -> Bool {
        markRead(key)
        return mapping.keys.contains { $0.scalar?.string == key.stringValue }
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let value = node(for: key) else { return true }
        if case .scalar(let s) = value { return s.isNull }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let value = node(for: key) else {
            session.error("missing required option '\(key.stringValue)'", at: mapping.mark)
            return try placeholder(T.self)
        }
        if case .scalar(let s) = value, s.isNull, !(T.self == String.self && s.style != .plain) {
            session.error("option '\(key.stringValue)' needs a value", at: value.mark ?? mapping.mark)
            return try placeholder(T.self)
        }
        return try NodeDecoder(node: value, session: session, codingPath: codingPath + [key]).decodeValue(T.self)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = node(for: key) else { return nil }
        if case .scalar(let s) = value, s.isNull { return nil }
        return try NodeDecoder(node: value, session: session, codingPath: codingPath + [key]).decodeValue(T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        guard let value = node(for: key) else {
            session.error("missing required option '\(key.stringValue)'", at: mapping.mark)
            return KeyedDecodingContainer(ProbeKeyedContainer<NestedKey>(recorder: nil, codingPath: codingPath))
        }
        return try NodeDecoder(node: value, session: session, codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        guard let value = node(for: key) else { return ProbeUnkeyedContainer(codingPath: codingPath) }
        return try NodeDecoder(node: value, session: session, codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        NodeDecoder(node: .mapping(mapping), session: session, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(node: node(for: key) ?? Node(""), session: session, codingPath: codingPath + [key])
    }
}

struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    let nodes: [Node]
    let session: DecodingSession
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(nodes: [Node], session: DecodingSession, codingPath: [any CodingKey]) {
        self.nodes = nodes
        self.session = session
        self.codingPath = codingPath
    }

    var count: Int? { nodes.count }
    var isAtEnd: Bool { currentIndex >= nodes.count }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else { throw DecodingAbandoned() }
        defer { currentIndex += 1 }
        return NodeDecoder(node: nodes[currentIndex], session: session, codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return true }
        if case .scalar(let s) = nodes[currentIndex], s.isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next().decodeValue(T.self)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try next()
    }
}

struct NodeSingleValueContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var session: DecodingSession { decoder.session }

    init(decoder: NodeDecoder) {
        self.decoder = decoder
    }

    func decodeNil() -> Bool {
        if case .scalar(let s) = decoder.node { return s.isNull }
        return false
    }

    /// The scalar's text with `${VAR}` expanded, or nil after recording why there is none.
    private func text(expecting what: String) -> String? {
        guard case .scalar(let scalar) = decoder.node else {
            session.error("expected \(what) for \(decoder.optionName), found \(decoder.node.kindWords)", at: decoder.node.mark)
            return nil
        }
        do {
            return try Interpolation.expand(scalar.string, environment: session.environment) { session.variables.insert($0) }
        } catch {
            session.error(error.message, at: scalar.mark, offset: error.offset + decoder.node.quoteOffset)
            return nil
        }
    }

    func decode(_ type: String.Type) throws -> String {
        guard let text = text(expecting: "a string") else { throw AlreadyReported() }
        return text
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let t = text(expecting: "true or false") else { throw AlreadyReported() }
        switch t.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            session.error("expected true or false for \(decoder.optionName), found '\(t)'", at: decoder.node.mark)
            throw AlreadyReported()
        }
    }

    func decode(_ type: Int.Type) throws -> Int {
        guard let t = text(expecting: "a whole number") else { throw AlreadyReported() }
        guard let v = Int(t.replacingOccurrences(of: "_", with: "")) else {
            session.error("expected a whole number for \(decoder.optionName), found '\(t)'", at: decoder.node.mark)
            throw AlreadyReported()
        }
        return v
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let t = text(expecting: "a number") else { throw AlreadyReported() }
        guard let v = Double(t.replacingOccurrences(of: "_", with: "")), v.isFinite else {
            session.error("expected a number for \(decoder.optionName), found '\(t)'", at: decoder.node.mark)
            throw AlreadyReported()
        }
        return v
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int8.Type) throws -> Int8 { Int8(clamping: try decode(Int.self)) }
    func decode(_ type: Int16.Type) throws -> Int16 { Int16(clamping: try decode(Int.self)) }
    func decode(_ type: Int32.Type) throws -> Int32 { Int32(clamping: try decode(Int.self)) }
    func decode(_ type: Int64.Type) throws -> Int64 { Int64(try decode(Int.self)) }
    func decode(_ type: UInt.Type) throws -> UInt { UInt(clamping: try decode(Int.self)) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { UInt8(clamping: try decode(Int.self)) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { UInt16(clamping: try decode(Int.self)) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { UInt32(clamping: try decode(Int.self)) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { UInt64(clamping: try decode(Int.self)) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeValue(T.self)
    }
}

struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "\(index)"
    }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}
