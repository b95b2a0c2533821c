/// Expands `${VAR}` and `${VAR:-default}` in pipeline-file strings; `$$` stands for `$`.
///
/// ```swift
/// try Interpolation.expand("${HOME}/feeds", environment: ["HOME": "/srv"])   // "/srv/feeds"
/// ```
public enum Interpolation {
    /// Expands the variables of `text`; an unset variable without a default is an error.
    /// `referenced` is told each variable's name as it is read.
    public static func expand(
        _ text: String, environment: [String: String], referenced: ((String) -> Void)? = nil
    ) throws(ConfigValueError) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "$", i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            if chars[i + 1] == "$" {
                out.append("$")
                i += 2
                continue
            }
            guard chars[i + 1] == "{" else {
                out.append(c)
                i += 1
                continue
            }
            guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                throw ConfigValueError("'${' without a closing '}'; write $$ for a literal '$'", offset: i)
            }
            let body = String(chars[(i + 2)..<close])
            let name: String
            var fallback: String?
            if let range = body.range(of: ":-") {
                name = String(body[..<range.lowerBound])
                fallback = String(body[range.upperBound...])
            } else {
                name = body
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigValueError("'${\(body)}' is not a variable reference; names are letters, digits and '_'", offset: i)
            }
            referenced?(name)
            if let value = environment[name], !value.isEmpty {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                throw ConfigValueError(
                    "environment variable '\(name)' is not set; set it, or give a default with ${\(name):-value}",
                    offset: i)
            }
            i = close + 1
        }
        return out
    }
}
