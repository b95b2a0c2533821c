import Foundation

/// Reads the dates feeds carry into UTC: RFC 3339 and ISO 8601 (with or without zone, seconds,
/// or time; basic or extended form; year-month and year alone), RFC 822 and the variants seen in
/// RSS (named zones such as EST or PDT, missing seconds, two-digit years, missing or full
/// weekdays, month first), and epoch seconds or milliseconds.
///
/// ```swift
/// DateReading.parse("Thu, 01 Jan 2004 19:48:21 GMT")
/// DateReading.parse("1 Jan 04 14:48 EST")
/// DateReading.parse("1795449600000")   // epoch milliseconds
/// ```
public enum DateReading {
    /// Reads a date from text, or nil.
    public static func parse(_ text: String) -> Date? {
        let s = text.trimmed
        guard let first = s.utf8.first, s.utf8.count < 64 else { return nil }
        // A letter first ("Thu, 01 Jan…", "Jan 5, 2026") can only be RFC 822 or a variant.
        if (first | 0x20) >= 0x61, (first | 0x20) <= 0x7A { return rfc822(s) }
        if let d = RFC3339.parse(s) { return d }
        if s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            if s.utf8.count >= 9, let n = Double(s) { return epoch(n) }
            if s.utf8.count == 4, let year = Int64(s) { return date(year, 1, 1) }
            if s.utf8.count == 8, let d = basicISO(s) { return d }
            return nil
        }
        if let d = partialISO(s) { return d }
        if let d = basicISO(s) { return d }
        return rfc822(s)
    }

    /// Reads epoch seconds, or milliseconds when the number is too large to be seconds (past the
    /// year 5138).
    public static func epoch(_ n: Double) -> Date? {
        guard n.isFinite, n >= 0 else { return nil }
        return Date(timeIntervalSince1970: n >= 1e11 ? n / 1000 : n)
    }

    private static func date(_ y: Int64, _ m: Int64, _ d: Int64, _ seconds: Int64 = 0) -> Date? {
        guard (1...12).contains(m), (1...31).contains(d), y > 0 else { return nil }
        return Date(timeIntervalSince1970: Double(RFC3339.days(fromCivil: y, m, d) * 86_400 + seconds))
    }

    /// `2003-12` and `2003-12-31T10:14` without seconds or zone beyond what RFC 3339 reads.
    private static func partialISO(_ s: String) -> Date? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int64(parts[0]), let m = Int64(parts[1]) {
            return date(y, m, 1)
        }
        return nil
    }

    /// `20031231T101455Z` and `20031231`.
    private static func basicISO(_ s: String) -> Date? {
        let chars = Array(s.utf8)
        guard chars.count >= 8, chars[0..<8].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let y = Int64(String(s.prefix(4))), let m = Int64(String(s.dropFirst(4).prefix(2))), let d = Int64(String(s.dropFirst(6).prefix(2)))
        else { return nil }
        if chars.count == 8 { return date(y, m, d) }
        guard chars[8] == UInt8(ascii: "T") else { return nil }
        let rest = String(s.dropFirst(9))
        let digits = rest.prefix { $0.isNumber }
        guard digits.count == 4 || digits.count == 6, let hh = Int64(digits.prefix(2)), let mm = Int64(digits.dropFirst(2).prefix(2)) else { return nil }
        let ss = digits.count == 6 ? Int64(digits.suffix(2)) ?? 0 : 0
        let zoneText = String(rest.dropFirst(digits.count))
        guard let offset = zoneText.isEmpty ? 0 : zone(zoneText) else { return nil }
        return date(y, m, d, hh * 3600 + mm * 60 + ss - offset)
    }

    private static let months: [String: Int64] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]

    /// The months by their first three lower-case letters packed in an integer, so that reading
    /// a month makes no String.
    private static let monthNumbers: [Int: Int64] = Dictionary(uniqueKeysWithValues: months.map { name, number in
        (name.utf8.reduce(0) { $0 << 8 | Int($1) }, number)
    })

    private static let zones: [String: Int64] = [
        "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200, "EEST": 10800,
        "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600, "MST": -7 * 3600, "MDT": -6 * 3600,
        "PST": -8 * 3600, "PDT": -7 * 3600, "AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
        "AST": -4 * 3600, "ADT": -3 * 3600, "NST": -12_600, "NDT": -9000, "IST": 19_800, "JST": 9 * 3600,
        "AEST": 10 * 3600, "AEDT": 11 * 3600,
    ]

    /// A zone's offset east of UTC in seconds: a name, `+hhmm`, `-hh:mm`, `+hh`, `+h`, or a military
    /// letter (read as UTC, as RFC 1123 advises).
    static func zone(_ text: String) -> Int64? {
        var text = text.trimmed
        return text.withUTF8 { zone($0[...]) }
    }

    /// `zone(_:)` over bytes: every RSS posting's date ends in a zone, and this makes no String.
    private static func zone(_ z: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        guard let sign = z.first else { return nil }
        if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            var digits: [Int64] = []
            digits.reserveCapacity(4)
            for byte in z.dropFirst() where byte != UInt8(ascii: ":") {
                guard byte >= 0x30, byte <= 0x39, digits.count < 4 else { return nil }
                digits.append(Int64(byte - 0x30))
            }
            // One digit is an hour too ("GMT+2").
            guard digits.count == 1 || digits.count == 2 || digits.count == 4 else { return nil }
            let h = digits.count == 1 ? digits[0] : digits[0] * 10 + digits[1]
            let m = digits.count == 4 ? digits[2] * 10 + digits[3] : 0
            guard h < 24, m < 60 else { return nil }
            let offset = h * 3600 + m * 60
            return sign == UInt8(ascii: "-") ? -offset : offset
        }
        guard z.count <= 4 else { return nil }
        var key: UInt32 = 0
        for byte in z {
            guard (byte | 0x20) >= 0x61, (byte | 0x20) <= 0x7A else { return nil }
            key = key << 8 | UInt32(byte & 0xDF)
        }
        if let known = zoneNumbers[key] { return known }
        let letter = sign & 0xDF
        if z.count == 1, letter != UInt8(ascii: "J") { return 0 }
        return nil
    }

    /// The zone names upper-cased and packed in an integer, as `zone` reads them.
    private static let zoneNumbers: [UInt32: Int64] = Dictionary(uniqueKeysWithValues: zones.map { name, offset in
        (name.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, offset)
    })

    /// RFC 822 and its variants: `[Wkd,] DD Mon YY[YY] [HH:MM[:SS]] [zone]`, also `Mon DD, YYYY`.
    private static func rfc822(_ s: String) -> Date? {
        var s = s
        return s.withUTF8 { rfc822(bytes: $0) }
    }

    /// `rfc822(_:)` over UTF-8 bytes, without an allocation but the tokens' list: every posting
    /// of an RSS or Indeed feed has such a date, and reading it was a tenth of mapping an item.
    private static func rfc822(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        typealias Token = Slice<UnsafeBufferPointer<UInt8>>
        var tokens: [Token] = []
        tokens.reserveCapacity(8)
        var i = 0
        while i < bytes.count {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x2C || bytes[i] == 0x09 { i += 1 }
            let start = i
            while i < bytes.count, bytes[i] != 0x20, bytes[i] != 0x2C, bytes[i] != 0x09 { i += 1 }
            // A parenthesized comment such as "(CET)" says nothing the offset does not.
            if i > start, bytes[start] != 0x28 { tokens.append(bytes[start..<i]) }
        }
        guard tokens.count >= 3 else { return nil }
        func isLetters(_ t: Token) -> Bool { t.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A } }
        func isDigits(_ t: Token) -> Bool { t.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        func number(_ t: Token) -> Int64? {
            guard !t.isEmpty, t.count <= 9, isDigits(t) else { return nil }
            return t.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
        }
        func month(_ t: Token) -> Int64? {
            guard t.count >= 3, isLetters(t) else { return nil }
            let i = t.startIndex
            return monthNumbers[Int(t[i] | 0x20) << 16 | Int(t[i + 1] | 0x20) << 8 | Int(t[i + 2] | 0x20)]
        }
        var index = 0
        if isLetters(tokens[0]), month(tokens[0]) == nil { index = 1 }   // weekday
        var day: Int64?, mon: Int64?, year: Int64?
        var seconds: Int64 = 0
        var offset: Int64 = 0
        var sawTime = false
        var position = 0
        while index < tokens.count {
            let token = tokens[index]
            defer {
                index += 1
                position += 1
            }
            if mon == nil, let m = month(token) {
                mon = m
            } else if !sawTime, token.contains(0x3A), let first = token.first, first >= 0x30, first <= 0x39 {
                // HH:MM or HH:MM:SS.
                guard let colon = token.firstIndex(of: 0x3A) else { return nil }
                let rest = token[(colon + 1)...]
                let second = rest.firstIndex(of: 0x3A)
                guard let h = number(token[..<colon]), let m = number(rest[..<(second ?? rest.endIndex)]), h < 24, m < 60 else { return nil }
                var sec: Int64 = 0
                if let second {
                    guard let s = number(rest[(second + 1)...]), s <= 60 else { return nil }
                    sec = s
                }
                seconds = h * 3600 + m * 60 + sec
                sawTime = true
            } else if isDigits(token) {
                guard let n = number(token) else { return nil }
                if token.count == 4 || (day != nil && mon != nil && year == nil && token.count <= 2 && position >= 2) {
                    if year != nil { return nil }
                    year = token.count <= 2 ? (n < 50 ? 2000 + n : 1900 + n) : n
                } else if day == nil, token.count <= 2 {
                    day = n
                } else {
                    return nil
                }
            } else if sawTime || year != nil {
                var zoneBytes = token
                // "GMT+2" and "GMT-0500" name an offset from GMT.
                if zoneBytes.count > 3, zoneBytes.prefix(3).elementsEqual("GMT".utf8, by: { $0 & 0xDF == $1 }) {
                    zoneBytes = zoneBytes.dropFirst(3)
                }
                guard let z = zone(zoneBytes) else { return nil }
                offset = z
            } else {
                return nil
            }
        }
        guard let d = day, let m = mon, let y = year else { return nil }
        return date(y, m, d, seconds - offset)
    }
}
