import Foundation

/// Reads and writes RFC 3339 timestamps in UTC.
///
/// Written by hand because `ISO8601DateFormatter` is slow on Linux and not `Sendable`; the
/// calendar arithmetic is Howard Hinnant's days-from-civil algorithm.
///
/// ```swift
/// RFC3339.format(Date(timeIntervalSince1970: 0))   // "1970-01-01T00:00:00Z"
/// RFC3339.parse("2026-11-25T10:00:00-05:00")       // 2026-11-25 15:00 UTC
/// ```
public enum RFC3339 {
    /// Formats a date as `YYYY-MM-DDTHH:MM:SSZ` in UTC, whole seconds.
    public static func format(_ date: Date) -> String {
        let total = Int64(floor(date.timeIntervalSince1970))
        var days = total / 86_400
        var secs = total % 86_400
        if secs < 0 {
            secs += 86_400
            days -= 1
        }
        let (y, m, d) = civil(fromDays: days)
        // Written in place: every staged posting formats its dates, and an array per field
        // showed in profiles.
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ value: Int64, _ width: Int, at offset: Int) {
                var v = value < 0 ? -value : value
                var i = offset + width - 1
                while i >= offset {
                    out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                    i -= 1
                }
            }
            put(y, 4, at: 0); out[4] = UInt8(ascii: "-")
            put(m, 2, at: 5); out[7] = UInt8(ascii: "-")
            put(d, 2, at: 8); out[10] = UInt8(ascii: "T")
            put(secs / 3600, 2, at: 11); out[13] = UInt8(ascii: ":")
            put(secs / 60 % 60, 2, at: 14); out[16] = UInt8(ascii: ":")
            put(secs % 60, 2, at: 17); out[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, `±HH:MM`, `±HHMM` or no zone
    /// (read as UTC); a space may stand for the `T`. Returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// The same over UTF-8 bytes (a stored record's dates are parsed where they lie).
    static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var s = bytes[...]
        while let last = s.last, last == 0x20 { s.removeLast() }
        var i = s.startIndex
        while i < s.endIndex, s[i] == 0x20 { i += 1 }
        func digits(_ n: Int) -> Int64? {
            guard i + n <= s.endIndex else { return nil }
            var v: Int64 = 0
            for k in i..<(i + n) {
                let c = s[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.endIndex, s[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2),
            expect(UInt8(ascii: "-")), let day = digits(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = days(fromCivil: year, month, day) * 86_400
        var fraction = 0.0
        if i == s.endIndex { return Date(timeIntervalSince1970: Double(seconds)) }
        guard s[i] == UInt8(ascii: "T") || s[i] == UInt8(ascii: "t") || s[i] == 0x20 else { return nil }
        i += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2),
            hour < 24, minute < 60
        else { return nil }
        var second: Int64 = 0
        if expect(UInt8(ascii: ":")) {
            guard let sec = digits(2), sec <= 60 else { return nil }
            second = sec
            if i < s.endIndex, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 0.1
                let start = i
                while i < s.endIndex, s[i] >= 0x30, s[i] <= 0x39 {
                    fraction += Double(s[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
                if i == start { return nil }
            }
        }
        seconds += hour * 3600 + minute * 60 + second
        if i < s.endIndex {
            let sign = s[i]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                i += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                i += 1
                guard let zh = digits(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                let zm = digits(2) ?? 0
                guard zh < 24, zm < 60 else { return nil }
                let offset = zh * 3600 + zm * 60
                seconds += sign == UInt8(ascii: "+") ? -offset : offset
            } else {
                return nil
            }
        }
        guard i == s.endIndex else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
