import Foundation

/// Records the options a `Decodable` options type reads, for `syndicate plugins`.
final class SchemaRecorder {
    var entries: [OptionSchema.Option] = []
    func record(_ name: String, type: Any.Type, required: Bool) {
        guard !entries.contains(where: { $0.name == name }) else { return }
        entries.append(OptionSchema.Option(name: name, type: describeOptionType(type), required: required))
    }
}

/// A decoder with no document: every required value is a placeholder and every optional one is
/// absent. It builds placeholders while a file's other errors are checked, and — with a
/// recorder — lists the options a type reads, so the documentation comes from the same struct
/// that decodes the file.
struct ProbeDecoder: Decoder {
    let recorder: SchemaRecorder?
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(ProbeKeyedContainer<Key>(recorder: recorder, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        ProbeUnkeyedContainer(codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ProbeSingleValueContainer(codingPath: codingPath)
    }
}

/// The placeholder of a type: a known value for option types and plain types, otherwise the
/// type decoded from the probe.
func probeValue<T: Decodable>(_ type: T.Type, codingPath: [any CodingKey]) throws -> T {
    if let option = T.self as? OptionValue.Type, let value = option.placeholder as? T { return value }
    if T.self == String.self, let v = "" as? T { return v }
    if T.self == Int.self, let v = 0 as? T { return v }
    if T.self == Double.self, let v = 0.0 as? T { return v }
    if T.self == Bool.self, let v = false as? T { return v }
    return try T(from: ProbeDecoder(recorder: nil, codingPath: codingPath))
}

struct ProbeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: SchemaRecorder?
    let codingPath: [any CodingKey]
    var allKeys: [Key] { [] }
    func contains(_ key: Key) -> Bool { false }
    func decodeNil(forKey key: Key) throws -> Bool { true }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        recorder?.record(key.stringValue, type: T.self, required: true)
        return try probeValue(T.self, codingPath: codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        recorder?.record(key.stringValue, type: T.self, required: false)
        return nil
    }


    // The standard library's defaults for these check `contains` first and so would never record
    // the option; the probe records each.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { recordOptional(key, type) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { recordOptional(key, type) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { recordOptional(key, type) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { recordOptional(key, type) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { recordOptional(key, type) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { recordOptional(key, type) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { recordOptional(key, type) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { recordOptional(key, type) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { recordOptional(key, type) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { recordOptional(key, type) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { recordOptional(key, type) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { recordOptional(key, type) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { recordOptional(key, type) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { recordOptional(key, type) }

    private func recordOptional<T>(_ key: Key, _ type: T.Type) -> T? {
        recorder?.record(key.stringValue, type: T.self, required: false)
        return nil
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        recorder?.record(key.stringValue, type: [String: String].self, required: true)
        return KeyedDecodingContainer(ProbeKeyedContainer<NestedKey>(recorder: nil, codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        recorder?.record(key.stringValue, type: [String].self, required: true)
        return ProbeUnkeyedContainer(codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder { ProbeDecoder(recorder: recorder, codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { ProbeDecoder(recorder: nil, codingPath: codingPath + [key]) }
}

struct ProbeUnkeyedContainer: UnkeyedDecodingContainer {
    let codingPath: [any CodingKey]
    var count: Int? { 0 }
    var isAtEnd: Bool { true }
    var currentIndex: Int { 0 }
    mutating func decodeNil() throws -> Bool { true }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw DecodingAbandoned() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingAbandoned()
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw DecodingAbandoned() }
    mutating func superDecoder() throws -> any Decoder { throw DecodingAbandoned() }
}

struct ProbeSingleValueContainer: SingleValueDecodingContainer {
    let codingPath: [any CodingKey]
    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) throws -> Bool { false }
    func decode(_ type: String.Type) throws -> String { "" }
    func decode(_ type: Double.Type) throws -> Double { 0 }
    func decode(_ type: Float.Type) throws -> Float { 0 }
    func decode(_ type: Int.Type) throws -> Int { 0 }
    func decode(_ type: Int8.Type) throws -> Int8 { 0 }
    func decode(_ type: Int16.Type) throws -> Int16 { 0 }
    func decode(_ type: Int32.Type) throws -> Int32 { 0 }
    func decode(_ type: Int64.Type) throws -> Int64 { 0 }
    func decode(_ type: UInt.Type) throws -> UInt { 0 }
    func decode(_ type: UInt8.Type) throws -> UInt8 { 0 }
    func decode(_ type: UInt16.Type) throws -> UInt16 { 0 }
    func decode(_ type: UInt32.Type) throws -> UInt32 { 0 }
    func decode(_ type: UInt64.Type) throws -> UInt64 { 0 }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try probeValue(T.self, codingPath: codingPath) }
}
