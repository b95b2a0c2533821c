/// The words postings use for their employment type, read into schema.org's values.
///
/// ```swift
/// EmploymentTypeWords.read("Full-time")   // .fullTime
/// EmploymentTypeWords.read("Co-op")       // .intern
/// ```
public enum EmploymentTypeWords {
    private static let words: [String: EmploymentType] = [
        "fulltime": .fullTime, "full": .fullTime, "permanent": .fullTime, "permanentfulltime": .fullTime, "regular": .fullTime,
        "tempsplein": .fullTime, "permanent full-time": .fullTime,
        "parttime": .partTime, "part": .partTime, "tempspartiel": .partTime,
        "contract": .contractor, "contractor": .contractor, "contracttohire": .contractor, "freelance": .contractor,
        "consultant": .contractor, "contrat": .contractor, "c2h": .contractor, "1099": .contractor,
        "temp": .temporary, "temporary": .temporary, "seasonal": .temporary, "fixedterm": .temporary, "temporaire": .temporary,
        "intern": .intern, "internship": .intern, "coop": .intern, "stage": .intern, "stagiaire": .intern, "apprenticeship": .intern,
        "volunteer": .volunteer, "bénévole": .volunteer, "benevole": .volunteer,
        "perdiem": .perDiem, "casual": .perDiem,
        "other": .other,
    ]

    /// The employment type a word or phrase names, or nil.
    public static func read(_ text: String) -> EmploymentType? {
        // ASCII text folds byte by byte; Character's properties cost more than the lookup.
        let folded: String
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                let lower: UInt8 = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) { bytes.append(lower) }
            }
            folded = String(decoding: bytes, as: UTF8.self)
        } else {
            folded = text.lowercased().filter { $0.isLetter || $0.isNumber }
        }
        if let exact = words[folded] { return exact }
        if let value = EmploymentType(rawValue: text.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")) {
            return value
        }
        // "Full-time, Permanent" or "Contract (6 months)": the first word that names a type.
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "-" }) {
            if let found = words[word.filter { $0.isLetter || $0.isNumber }] { return found }
        }
        return nil
    }
}
