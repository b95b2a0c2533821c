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
}
