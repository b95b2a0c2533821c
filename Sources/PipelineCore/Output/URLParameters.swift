/// A sink's `url_params:` appended to a posting's URL, so a board's clicks can be told apart.
///
/// ```swift
/// URLParameters.append(["utm_source": "board"], to: "https://acme.example/jobs/1?ref=2#apply")
/// // "https://acme.example/jobs/1?ref=2&utm_source=board#apply"
/// ```
public enum URLParameters {
    /// The URL with the parameters added in key order (replacing none), before any fragment.
    public static func append(_ parameters: [String: String], to url: String) -> String {
        guard !parameters.isEmpty else { return url }
        var base = Substring(url), fragment = Substring("")
        if let hash = url.firstIndex(of: "#") {
            base = url[..<hash]
            fragment = url[hash...]
        }
        let query = parameters.sorted { $0.key < $1.key }.map { "\(encode($0.key))=\(encode($0.value))" }.joined(separator: "&")
        let separator = base.contains("?") ? (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&") : "?"
        return String(base) + separator + query + String(fragment)
    }

    /// Percent-encodes all but the characters a query value may carry as they are.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
