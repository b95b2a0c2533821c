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
            let kept = items.filter { !isTracking($0.name) }
            components.queryItems = kept.isEmpty ? nil : kept
        }
        if components.path.isEmpty { components.path = "/" }
        return components.string
    }

    /// The canonical form worked out from the URL's bytes, when they show what parsing would
    /// give: `http://` or `https://` in any case, a host of letters, digits, inner single
    /// hyphens and dots ending in a label that starts with a letter (no port, user, IDNA label
    /// or trailing dot), a path of plain path characters with no dot segment or percent sign,
    /// a query of `name` or `name=value` items of letters, digits and `-._~`, and a fragment of
    /// plain path characters. Scheme and host come out in lower case, an empty path as "/",
    /// tracking items and the fragment dropped, the other items kept in order. Else nil.
    ///
    /// Most postings' URLs are such, and parsing them with `URLComponents` (host IDNA included)
    /// was a sixth of the normalize stage's time; the tenth with a tracking query or a host in
    /// capitals were still most of that (a parse, and setting the query items, each).
    static func plainlyCanonical(_ original: String) -> String? {
        var text = original
        return text.withUTF8 { utf8 -> String? in
            let count = utf8.count
            func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            func startsLowered(_ prefix: StaticString) -> Bool {
                prefix.withUTF8Buffer { p in p.count <= count && p.indices.allSatisfy { lower(utf8[$0]) == p[$0] } }
            }
            let https = startsLowered("https://")
            guard https || startsLowered("http://") else { return nil }
            let schemeEnd = https ? 8 : 7
            // Whether the canonical form is other than the URL as it is.
            var changed = !(utf8.starts(with: (https ? "https://" : "http://").utf8))
            var i = schemeEnd
            var previous = UInt8(ascii: ".")
            var labelStart = i
            while i < count, utf8[i] != UInt8(ascii: "/"), utf8[i] != UInt8(ascii: "?"), utf8[i] != UInt8(ascii: "#") {
                let byte = utf8[i]
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    break
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    changed = true
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
                  lower(utf8[labelStart]) >= UInt8(ascii: "a") else { return nil }
            let hostEnd = i
            while i < count, utf8[i] != UInt8(ascii: "?"), utf8[i] != UInt8(ascii: "#") {
                guard Self.plainPathByte(utf8[i]) else { return nil }
                if utf8[i] == UInt8(ascii: "."), utf8[i - 1] == UInt8(ascii: "/") { return nil }
                i += 1
            }
            let pathEnd = i
            if pathEnd == hostEnd { changed = true }
            // The query's items to keep, where they are.
            var kept: [Range<Int>] = []
            if i < count, utf8[i] == UInt8(ascii: "?") {
                i += 1
                while true {
                    let start = i
                    var equals: Int?
                    while i < count, utf8[i] != UInt8(ascii: "&"), utf8[i] != UInt8(ascii: "#") {
                        let byte = utf8[i]
                        if byte == UInt8(ascii: "=") {
                            guard equals == nil else { return nil }
                            equals = i
                        } else if !Self.queryBytes[Int(byte)] {
                            return nil
                        }
                        i += 1
                    }
                    let name = start..<(equals ?? i)
                    guard !name.isEmpty else { return nil }
                    if Self.isTracking(String(decoding: UnsafeBufferPointer(rebasing: utf8[name]), as: UTF8.self)) {
                        changed = true
                    } else {
                        kept.append(start..<i)
                    }
                    guard i < count, utf8[i] == UInt8(ascii: "&") else { break }
                    i += 1
                }
            }
            if i < count {
                // The fragment, dropped.
                changed = true
                for j in (i + 1)..<count where !Self.plainPathByte(utf8[j]) { return nil }
            }
            guard changed else { return original }
            var out: [UInt8] = []
            out.reserveCapacity(count + 1)
            out.append(contentsOf: (https ? "https://" : "http://").utf8)
            for j in schemeEnd..<hostEnd { out.append(lower(utf8[j])) }
            if pathEnd == hostEnd { out.append(UInt8(ascii: "/")) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[hostEnd..<pathEnd]))
            for (n, item) in kept.enumerated() {
                out.append(n == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[item]))
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Whether a query item's name is a tracking one, in any case.
    private static func isTracking(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return trackingNames.contains(lowered) || trackingPrefixes.contains { lowered.hasPrefix($0) }
    }

    /// Letters, digits and `-._~`: what a query item's name and value may hold for
    /// `plainlyCanonical` (what setting `URLComponents.queryItems` writes back as it is).
    private static let queryBytes: [Bool] = (0..<256).map { byte in
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8).contains(UInt8(byte))
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
