import Foundation

/// Company names as dedupe compares them: "Acme Inc.", "ACME, Inc" and "Acme Corporation" are
/// one company; legal suffixes (Inc., Ltd., Ltée, Corp., LLC, GmbH, S.A. …), case, accents and
/// punctuation do not count.
///
/// ```swift
/// CompanyName.key("Les Technologies Acme Ltée")   // "les technologies acme"
/// CompanyName.key("ACME, Inc.") == CompanyName.key("Acme Corporation")   // true
/// ```
public enum CompanyName {
    /// Trailing words that only say what legal form the company has.
    static let legalSuffixes: Set<String> = [
        "inc", "incorporated", "ltd", "limited", "ltee", "llc", "llp", "lp", "corp", "corporation", "co", "company",
        "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "plc", "pty", "ulc", "oy", "ab", "as", "kk",
    ]

    /// The comparison key: lower-case words without accents or punctuation, legal suffixes
    /// dropped from the end; empty when nothing is left.
    public static func key(_ name: String) -> String {
        var words: [String] = []
        var current = ""
        // Canonical decomposition (Foundation's) puts accents apart as marks, which are skipped.
        for scalar in name.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.unicodeScalars.append(scalar)
            } else if scalar.properties.generalCategory == .nonspacingMark || scalar == "." || scalar == "'" || scalar == "’" {
                continue   // accents, and the dots of "S.A." and "Co." join their letters
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        while words.count > 1, let last = words.last, legalSuffixes.contains(last) { words.removeLast() }
        return words.joined(separator: " ")
    }
}
