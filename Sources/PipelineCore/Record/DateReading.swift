import Foundation

/// Reads the dates sources carry: RFC 3339 and ISO 8601 text, and epoch seconds or milliseconds
/// as numbers or digit strings.
///
/// ```swift
/// DateReading.parse("2026-11-25T10:00:00Z")
/// DateReading.parse("1764064800000")   // epoch milliseconds
/// ```
public enum DateReading {
    /// Reads a date from text, or nil.
    public static func parse(_ text: String) -> Date? {
        let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let d = RFC3339.parse(s) { return d }
        if !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), s.utf8.count >= 9, let n = Double(s) {
            return epoch(n)
        }
        return nil
    }

    /// Reads epoch seconds, or milliseconds when the number is too large to be seconds (past the
    /// year 5138).
    public static func epoch(_ n: Double) -> Date? {
        guard n.isFinite, n >= 0 else { return nil }
        return Date(timeIntervalSince1970: n >= 1e11 ? n / 1000 : n)
    }
}
