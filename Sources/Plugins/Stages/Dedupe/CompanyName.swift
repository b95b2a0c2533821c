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
        // Most names are ASCII: split them on bytes, without Unicode normalization (a fifth of
        // what dedupe spent per posting went to the general path).
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            var words: [String] = []
            var current: [UInt8] = []
            for byte in name.utf8 {
                switch byte {
                case 0x41...0x5A: current.append(byte | 0x20)
                case 0x61...0x7A, 0x30...0x39: current.append(byte)
                case 0x2E, 0x27: continue   // the dots of "S.A." and "Co." join their letters
                default:
                    if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                    current.removeAll(keepingCapacity: true)
                }
            }
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
            return joined(words)
        }
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
        return joined(words)
    }

    /// The words without the legal suffixes at their end.
    private static func joined(_ words: [String]) -> String {
        var words = words
        while words.count > 1, let last = words.last, legalSuffixes.contains(last) { words.removeLast() }
        return words.joined(separator: " ")
    }
}
