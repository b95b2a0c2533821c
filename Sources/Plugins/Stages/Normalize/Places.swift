/// A small gazetteer for telling a place from the rest of a title: Canadian provinces and
/// territories, US states, countries, and larger cities of both.
enum Places {
    static let regions: Set<String> = [
        "ab", "bc", "mb", "nb", "nl", "ns", "nt", "nu", "on", "pe", "qc", "sk", "yt",
        "alberta", "british columbia", "manitoba", "new brunswick", "newfoundland and labrador", "nova scotia",
        "northwest territories", "nunavut", "ontario", "prince edward island", "quebec", "québec", "saskatchewan", "yukon",
        "al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in", "ia", "ks", "ky", "la", "me", "md",
        "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc",
        "sd", "tn", "tx", "ut", "vt", "va", "wa", "wv", "wi", "wy", "dc",
        "california", "washington", "texas", "new york", "massachusetts", "illinois", "colorado", "georgia", "florida",
    ]

    static let countries: Set<String> = ["canada", "usa", "us", "u.s.", "united states", "america", "north america"]

    static let cities: Set<String> = [
        "toronto", "montreal", "montréal", "vancouver", "calgary", "edmonton", "ottawa", "winnipeg", "quebec city", "québec",
        "hamilton", "kitchener", "waterloo", "london", "halifax", "victoria", "saskatoon", "regina", "mississauga", "brampton",
        "markham", "gatineau", "laval", "surrey", "burnaby", "st. john's", "fredericton", "moncton", "charlottetown",
        "new york", "san francisco", "seattle", "boston", "chicago", "austin", "los angeles", "denver", "atlanta", "dallas",
        "houston", "miami", "portland", "san jose", "san diego", "washington", "philadelphia", "phoenix", "minneapolis",
        "detroit", "pittsburgh", "raleigh", "salt lake city", "nashville",
    ]

    /// Whether text reads as a place: "Toronto, ON", "Ontario", "Seattle, WA, USA", "Montréal (QC)",
    /// "Remote - Canada".
    static func looksLikePlace(_ text: String) -> Bool {
        let lower = text.lowercased().trimmed
        guard !lower.isEmpty, lower.count <= 60 else { return false }
        let parts = lower.split(whereSeparator: { $0 == "," || $0 == "(" || $0 == ")" || $0 == "/" }).map { String($0).trimmed }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return false }
        if parts.allSatisfy({ regions.contains($0) || countries.contains($0) || cities.contains($0) || $0 == "remote" || $0 == "hybrid" }) {
            return true
        }
        // "Springfield, IL": any words followed by a region or country.
        if parts.count >= 2, let last = parts.last, regions.contains(last) || countries.contains(last),
            parts.dropLast().allSatisfy({ $0.split(separator: " ").count <= 3 && $0.allSatisfy { $0.isLetter || $0 == " " || $0 == "-" || $0 == "." || $0 == "'" } })
        {
            return true
        }
        return cities.contains(lower)
    }
}
