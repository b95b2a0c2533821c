#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A string enumeration's cases by their raw values' UTF-8 bytes, for looking one up from bytes
/// without making a string of them: a stored record's seniority, role type and employment type
/// are decoded by the million, and `init(rawValue:)` wanted a string each (a role type's is
/// often past the 15 bytes a string holds without an allocation) and compared it with every case
/// in turn through the standard library's string switch.
///
/// ```swift
/// let roles = RawValueBytes(RoleType.self)
/// roles.value(of: bytes)   // .backendEngineer for "backend_engineer"
/// ```
struct RawValueBytes<Value: RawRepresentable & CaseIterable & Sendable>: Sendable where Value.RawValue == String {
    private let cases: [(bytes: [UInt8], value: Value)]

    /// The table of `type`'s cases.
    init(_ type: Value.Type) {
        cases = Value.allCases.map { (Array($0.rawValue.utf8), $0) }
    }

    /// The case whose raw value is exactly `bytes`; nil when none is, as `init(rawValue:)`.
    func value(of bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        for entry in cases where entry.bytes.count == bytes.count {
            guard let base = bytes.baseAddress else { return entry.value }
            let same = entry.bytes.withUnsafeBufferPointer { wanted in
                wanted.baseAddress.map { memcmp($0, base, bytes.count) == 0 } ?? false
            }
            if same { return entry.value }
        }
        return nil
    }
}
