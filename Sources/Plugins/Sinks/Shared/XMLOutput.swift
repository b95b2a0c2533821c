import Foundation
import PipelineCore

/// Text for the XML feeds the sinks write: escaped, or in CDATA with `]]>` split, and without
/// the characters XML 1.0 forbids (C0 controls but tab and line ends, U+FFFE and U+FFFF), which
/// a strict parser would stop at.
///
/// ```swift
/// XMLOutput.escaped("Tom & Jerry <3")   // "Tom &amp; Jerry &lt;3"
/// XMLOutput.cdata("a ]]> b")            // "<![CDATA[a ]]]]><![CDATA[> b]]>"
/// ```
enum XMLOutput {
    /// The text escaped for element content and attribute values.
    static func escaped(_ text: String) -> String {
        // Most text needs nothing: one pass over the bytes says so (profiles of a 250,000-posting
        // run put the general path at a third of the Indeed sink's time).
        if !anyByte(of: text, where: { needsWork($0, quotes: true) }) { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars where allowed(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The text as one or more CDATA sections: a `]]>` inside is split across two.
    static func cdata(_ text: String) -> String {
        var text = text
        if !text.withUTF8(cdataNeedsWork) {
            return "<![CDATA[" + text + "]]>"
        }
        var clean = ""
        clean.unicodeScalars.append(contentsOf: text.unicodeScalars.filter(allowed))
        return "<![CDATA[" + clean.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]>"
    }

    /// Appends `indent<name>` and the text as `cdata(_:)` gives it, then `</name>` and a line end:
    /// an element of a feed written as bytes, without the intermediate strings (building each
    /// job's text by interpolation was a third of the Indeed sink's time at 250,000 postings).
    static func appendCDATAElement(_ name: StaticString, _ text: String, indent: StaticString = "    ", to out: inout [UInt8]) {
        indent.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "<"))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: ">"))
        var text = text
        let plain = text.withUTF8 { utf8 in
            guard !cdataNeedsWork(utf8) else { return false }
            // The common case, without building the section as a string first.
            out.append(contentsOf: "<![CDATA[".utf8)
            out.append(contentsOf: utf8)
            out.append(contentsOf: "]]>".utf8)
            return true
        }
        if !plain { out.append(contentsOf: cdata(text).utf8) }
        out.append(contentsOf: "</".utf8)
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: ">\n".utf8)
    }

    /// Whether some byte may need work inside CDATA: markup needs none there; only `]]>`, C0
    /// controls and U+FFFE/F do. Eight bytes at a time (the Indeed sink puts every
    /// description through this).
    private static func cdataNeedsWork(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while true {
            i = ByteScan.firstInLongRun(in: utf8, from: i, equalTo: UInt8(ascii: "]"), or: 0xEF, orBelow: 0x20)
            guard i < utf8.count else { return false }
            let byte = utf8[i]
            if byte != 0x09, byte != 0x0A, byte != 0x0D { return true }
            i += 1
        }
    }

    /// Whether any of the text's UTF-8 bytes satisfies `test`, over its contiguous storage
    /// (`String.utf8`'s iterator went through unspecialised index calls per byte).
    private static func anyByte(of text: String, where test: (UInt8) -> Bool) -> Bool {
        var text = text
        return text.withUTF8 { $0.contains(where: test) }
    }

    /// `<name>escaped text</name>`, or nothing without a value.
    static func element(_ name: String, _ value: String?, indent: String = "    ") -> String {
        guard let value, !value.isEmpty else { return "" }
        return "\(indent)<\(name)>\(escaped(value))</\(name)>\n"
    }

    /// Whether a byte may need escaping, dropping or a CDATA split: markup characters, C0
    /// controls, `]` (of `]]>`) and 0xEF (which starts U+FFFE and U+FFFF).
    private static func needsWork(_ byte: UInt8, quotes: Bool) -> Bool {
        switch byte {
        case 0x09, 0x0A, 0x0D: return false
        case 0..<0x20, 0x26, 0x3C, 0x3E, 0x5D, 0xEF: return true
        case 0x22, 0x27: return quotes
        default: return false
        }
    }

    /// Whether XML 1.0 allows the character.
    static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0..<0x20: return false
        case 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }
}

/// What several formats say the same way.
enum FeedText {
    /// RFC 822 as RSS and Indeed write dates: `Wed, 25 Nov 2026 08:00:00 +0000`, in UTC.
    static func rfc822(_ date: Date) -> String {
        let iso = RFC3339.format(date)   // YYYY-MM-DDTHH:MM:SSZ
        let days = Int(floor(date.timeIntervalSince1970 / 86_400))
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = Array(iso.utf8)
        func text(_ range: Range<Int>) -> String { String(decoding: parts[range], as: UTF8.self) }
        let month = months[(Int(text(5..<7)) ?? 1) - 1]
        return "\(weekday), \(text(8..<10)) \(month) \(text(0..<4)) \(text(11..<19)) +0000"
    }

    /// The place as one line: `Toronto, ON, CA`, `Remote (CA)`, or the text as ingested.
    static func place(_ location: Location?) -> String? {
        guard let location else { return nil }
        let parts = [location.city, location.region, location.country].compactMap { $0 }.filter { !$0.isEmpty }
        if parts.isEmpty {
            if location.remote == true { return "Remote" }
            return location.text
        }
        let joined = parts.joined(separator: ", ")
        return location.remote == true && location.city == nil ? "Remote (\(joined))" : joined
    }

    /// The description as HTML: the sanitized HTML, or the plain text escaped into paragraphs.
    static func html(_ posting: JobPosting) -> String? {
        if let html = posting.descriptionHTML, !html.isEmpty { return html }
        guard let text = posting.descriptionText, !text.isEmpty else { return nil }
        return text.components(separatedBy: "\n\n").map { "<p>\(XMLOutput.escaped($0))</p>" }.joined()
    }

    /// The salary as posted, as a line of text: its own text, else `CAD 90,000–110,000 per year`.
    static func salary(_ salary: Salary?) -> String? {
        guard let salary else { return nil }
        if let text = salary.text, !text.isEmpty { return text }
        func amount(_ value: Double) -> String { grouped(value) }
        let range: String
        switch (salary.min, salary.max) {
        case let (min?, max?) where min != max: range = "\(amount(min))–\(amount(max))"
        case let (min?, _): range = amount(min)
        case let (nil, max?): range = "up to \(amount(max))"
        default: return nil
        }
        let currency = salary.currency.map { "\($0) " } ?? ""
        let period = salary.period.map { " per \($0.rawValue)" } ?? ""
        return currency + range + period
    }

    /// A number with thousands separators and at most two decimals: `105,000`, `52.5`. By hand:
    /// a NumberFormatter per posting cost more than the rest of the salary line.
    static func grouped(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return String(value) }
        let cents = Int64((abs(value) * 100).rounded())
        var whole = String(cents / 100)
        var index = whole.endIndex
        while whole.distance(from: whole.startIndex, to: index) > 3 {
            index = whole.index(index, offsetBy: -3)
            whole.insert(",", at: index)
        }
        let fraction = cents % 100
        var text = (value < 0 ? "-" : "") + whole
        if fraction != 0 {
            text += fraction % 10 == 0 ? "." + String(fraction / 10) : "." + (fraction < 10 ? "0" : "") + String(fraction)
        }
        return text
    }

    /// Which required fields a posting lacks, as the report's reason, or nil.
    static func missing(_ checks: [(String, Bool)]) -> String? {
        let absent = checks.filter { !$0.1 }.map(\.0)
        return absent.isEmpty ? nil : "no \(absent.joined(separator: ", "))"
    }
}

extension Optional where Wrapped == String {
    /// Whether there is non-empty text.
    var hasText: Bool { !(self ?? "").isEmpty }
}
