import Foundation
import PipelineCore

/// Reads salaries as postings write them: "$110,000 - $135,000 a year", "60k-75k CAD",
/// "$45/hour", "95000", "85 000 $ par année", "€50.000 p.a."; "Competitive" or "DOE" is no
/// salary. A bare `$` takes the currency of the posting's country.
///
/// ```swift
/// SalaryParser.parse("60k-75k CAD", country: nil)   // min 60000, max 75000, CAD, year
/// ```
enum SalaryParser {
    static let periodWords: [(String, PayPeriod)] = [
        ("per hour", .hour), ("an hour", .hour), ("/hour", .hour), ("/hr", .hour), ("/h", .hour), ("hourly", .hour),
        ("de l'heure", .hour), ("par heure", .hour), ("/heure", .hour), ("hour", .hour),
        ("per day", .day), ("a day", .day), ("/day", .day), ("daily", .day), ("par jour", .day),
        ("per week", .week), ("a week", .week), ("/week", .week), ("weekly", .week), ("par semaine", .week),
        ("per month", .month), ("a month", .month), ("/month", .month), ("monthly", .month), ("par mois", .month), ("/mo", .month),
        ("per year", .year), ("a year", .year), ("/year", .year), ("/yr", .year), ("yearly", .year), ("annually", .year),
        ("per annum", .year), ("p.a.", .year), ("annual", .year), ("par année", .year), ("par an", .year), ("/an", .year), ("annuel", .year),
    ]

    static let codes = ["CAD", "USD", "EUR", "GBP", "AUD", "NZD", "CHF", "INR", "JPY", "MXN"]

    /// Plausible amounts for each period; outside them, amounts are not trusted.
    static let plausible: [PayPeriod: ClosedRange<Double>] = [
        .hour: 5...500, .day: 40...5_000, .week: 200...25_000, .month: 800...60_000, .year: 8_000...2_000_000,
    ]

    /// The salary a text states, or nil when it states none.
    static func parse(_ text: String, country: String?) -> Salary? {
        let lower = text.lowercased()
        let amounts = numbers(in: text)
        guard !amounts.isEmpty else { return nil }
        var salary = Salary(text: text)
        var period = periodWords.first { lower.has($0.0) }?.1
        var values = amounts.prefix(2).map(\.self)
        if values.count == 2, values[0] > values[1] { values.swapAt(0, 1) }
        if period == nil {
            // No word: big amounts are yearly, small ones hourly.
            if values[0] >= 8_000 { period = .year } else if values[0] >= 5, values[0] <= 300 { period = .hour }
        }
        if let period, let range = plausible[period], !values.allSatisfy({ range.contains($0) }) { return nil }
        salary.min = values[0]
        salary.max = values.count > 1 ? values[1] : nil
        salary.period = period
        salary.currency = currency(text, country: country)
        return salary
    }

    static func currency(_ text: String, country: String?) -> String? {
        let upper = text.uppercased()
        if upper.has("C$") || upper.has("CA$") { return "CAD" }
        if upper.has("US$") { return "USD" }
        for code in codes where upper.has(code) { return code }
        if text.has("€") { return "EUR" }
        if text.has("£") { return "GBP" }
        if text.has("$") {
            switch country {
            case "CA"?: return "CAD"
            case "AU"?: return "AUD"
            default: return "USD"
            }
        }
        return nil
    }

    /// The amounts in a text: "110,000", "85 000", "50.000" (thousands), "60k", "45.50".
    static func numbers(in text: String) -> [Double] {
        var out: [Double] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            guard chars[i].isNumber else {
                i += 1
                continue
            }
            var digits = ""
            var groups: [String] = [""]
            var separators: [Character] = []
            while i < chars.count {
                let c = chars[i]
                if c.isNumber {
                    digits.append(c)
                    groups[groups.count - 1].append(c)
                    i += 1
                } else if (c == "," || c == "." || c == " " || c == "\u{A0}" || c == "'"), i + 1 < chars.count, chars[i + 1].isNumber {
                    separators.append(c)
                    groups.append("")
                    i += 1
                } else {
                    break
                }
            }
            var value: Double
            if groups.count > 1, groups.dropFirst().allSatisfy({ $0.count == 3 }), groups[0].count <= 3 {
                value = Double(groups.joined()) ?? 0   // thousands separators
            } else if groups.count == 2, groups[1].count <= 2, separators.first == "." || separators.first == "," {
                value = Double(groups[0] + "." + groups[1]) ?? 0   // decimals
            } else {
                value = Double(groups.joined()) ?? 0
            }
            if i < chars.count, chars[i] == "k" || chars[i] == "K" {
                value *= 1000
                i += 1
            } else if i + 1 < chars.count, chars[i] == " ", chars[i + 1] == "k" || chars[i + 1] == "K", i + 2 >= chars.count || !chars[i + 2].isLetter {
                value *= 1000
                i += 2
            }
            // "60-75k": the k of the second amount belongs to the first too.
            if !out.isEmpty, out.count == 1, value >= 1000, out[0] < 1000, out[0] * 1000 <= value * 1.5 { out[0] *= 1000 }
            out.append(value)
        }
        return out
    }
}
