import Foundation

/// Canonical posting URLs: tracking parameters (`utm_*`, `gclid`, `fbclid` and kin) and
/// fragments dropped, scheme and host lower-cased, default ports removed; the rest of the query
/// kept in its order.
///
/// ```swift
/// URLCanonicalizer.canonical("HTTPS://Jobs.Example.com:443/p/1?utm_source=x&id=7#apply")
/// // "https://jobs.example.com/p/1?id=7"
/// ```
enum URLCanonicalizer {
    static let trackingPrefixes = ["utm_"]
    static let trackingNames: Set<String> = [
        "gclid", "fbclid", "msclkid", "dclid", "yclid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "ref_src", "igshid", "trk", "trkid",
    ]

    static func canonical(_ text: String) -> String? {
        plainlyCanonical(text) ?? parsed(text)
    }

    /// The canonical form through Foundation's URL parser (every URL the byte check below
    /// cannot vouch for).
    static func parsed(_ text: String) -> String? {
        guard var components = URLComponents(string: text.trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) { components.port = nil }
        components.fragment = nil
        if let items = components.queryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !trackingNames.contains(name) && !trackingPrefixes.contains { name.hasPrefix($0) }
            }
            components.queryItems = kept.isEmpty ? nil : kept
        }
        if components.path.isEmpty { components.path = "/" }
        return components.string
    }

    /// The URL as it is (with "/" for an empty path) when its bytes show that parsing would
    /// change nothing: `http://` or `https://` in lower case, a host of lower-case letters,
    /// digits, inner single hyphens and dots ending in a label that starts with a letter (no
    /// port, user, IDNA label or trailing dot), and a path of plain path characters with no
    /// dot segment, percent sign, query or fragment; else nil.
    ///
    /// Most postings' URLs are such, and parsing them with `URLComponents` (host IDNA included)
    /// was a sixth of the normalize stage's time.
    static func plainlyCanonical(_ text: String) -> String? {
        var text = text
        // What the URL needs: nothing, a "/" for its empty path, or parsing (nil).
        let plain = text.withUTF8 { utf8 -> String? in
            let https = utf8.starts(with: "https://".utf8)
            guard https || utf8.starts(with: "http://".utf8) else { return nil }
            var i = https ? 8 : 7
            var previous = UInt8(ascii: ".")
            var labelStart = i
            while i < utf8.count, utf8[i] != UInt8(ascii: "/") {
                let byte = utf8[i]
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    break
                case UInt8(ascii: "-"), UInt8(ascii: "."):
                    // No empty label, no hyphen at a label's ends, no "--" (as in "xn--").
                    guard previous != UInt8(ascii: "."), previous != UInt8(ascii: "-") else { return nil }
                    if byte == UInt8(ascii: ".") { labelStart = i + 1 }
                default:
                    return nil
                }
                previous = byte
                i += 1
            }
            guard previous != UInt8(ascii: "."), previous != UInt8(ascii: "-"), labelStart < i,
                  utf8[labelStart] >= UInt8(ascii: "a") else { return nil }
            guard i < utf8.count else { return "/" }
            for j in i..<utf8.count {
                guard Self.plainPathByte(utf8[j]) else { return nil }
                if utf8[j] == UInt8(ascii: "."), utf8[j - 1] == UInt8(ascii: "/") { return nil }
            }
            return ""
        }
        return plain.map { text + $0 }
    }

    /// Letters, digits, `-._~`, `/`, and the sub-delimiters, `:` and `@` that RFC 3986 allows
    /// in a path as they are.
    private static func plainPathByte(_ byte: UInt8) -> Bool {
        pathBytes[Int(byte)]
    }

    private static let pathBytes: [Bool] = (0..<256).map { byte in
        let plain = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$&'()*+,;=:@".utf8)
        return plain.contains(UInt8(byte))
    }
}
