import Foundation

/// Reads a `Decodable` record (a job, an asset, a video row) from a row: one coding key
/// per column, enums by their raw text, booleans from 0/1.
struct SQLRecordDecoder {
    static func decode<Record: Decodable>(_ type: Record.Type, from row: SQLRow) throws -> Record {
        try Record(from: RowDecoder(row: row))
    }

    struct ColumnMismatch: Error, CustomStringConvertible {
        let column: String
        let value: SQLValue?
        let type: Any.Type
        var description: String { "column \(column) holds \(value.map { "\($0)" } ?? "nothing"), not \(type)" }
    }

    private struct RowDecoder: Decoder {
        let row: SQLRow
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Columns<Key>(row: row))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch(SQLRow.self, .init(codingPath: [], debugDescription: "a row decodes keyed only"))
        }
        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            throw DecodingError.typeMismatch(SQLRow.self, .init(codingPath: [], debugDescription: "a row decodes keyed only"))
        }
    }

    private struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: SQLRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.columns.compactMap(Key.init(stringValue:)) }

        func contains(_ key: Key) -> Bool { row.value(key.stringValue) != nil }

        func decodeNil(forKey key: Key) throws -> Bool { row.value(key.stringValue)?.isNull ?? true }

        func read<T: SQLReadable>(_ type: T.Type, _ key: Key) throws -> T {
            let value = row.value(key.stringValue)
            guard let value, let read = T.read(value) else { throw ColumnMismatch(column: key.stringValue, value: value, type: T.self) }
            return read
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try read(type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try read(type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try read(type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try read(type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try read(type, key) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            // Enums stored as their raw text (status, kind) decode through a one-value decoder.
            guard let value = row.value(key.stringValue) else { throw ColumnMismatch(column: key.stringValue, value: nil, type: T.self) }
            return try T(from: ValueDecoder(value: value, column: key.stringValue))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw ColumnMismatch(column: key.stringValue, value: row.value(key.stringValue), type: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw ColumnMismatch(column: key.stringValue, value: row.value(key.stringValue), type: [Any].self)
        }
        func superDecoder() throws -> any Decoder { throw ColumnMismatch(column: "super", value: nil, type: Any.self) }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw ColumnMismatch(column: key.stringValue, value: nil, type: Any.self) }
    }

    private struct ValueDecoder: Decoder, SingleValueDecodingContainer {
        let value: SQLValue
        let column: String
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw ColumnMismatch(column: column, value: value, type: type)
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw ColumnMismatch(column: column, value: value, type: [Any].self) }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { value.isNull }
        func read<T: SQLReadable>(_ type: T.Type) throws -> T {
            guard let read = T.read(value) else { throw ColumnMismatch(column: column, value: value, type: T.self) }
            return read
        }
        func decode(_ type: Bool.Type) throws -> Bool { try read(type) }
        func decode(_ type: String.Type) throws -> String { try read(type) }
        func decode(_ type: Double.Type) throws -> Double { try read(type) }
        func decode(_ type: Int.Type) throws -> Int { try read(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try read(type) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
    }
}

/// Turns an `Encodable` record into its columns and values, for an INSERT.
struct SQLRecordEncoder {
    static func columns<Record: Encodable>(of record: Record) throws -> [(column: String, value: SQLValue)] {
        let sink = Sink()
        try record.encode(to: RowEncoder(sink: sink))
        return sink.columns
    }

    private final class Sink {
        var columns: [(column: String, value: SQLValue)] = []
    }

    struct Unsupported: Error, CustomStringConvertible {
        let column: String
        var description: String { "column \(column): only plain values are stored in a column" }
    }

    private struct RowEncoder: Encoder {
        let sink: Sink
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Columns<Key>(sink: sink))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a record encodes keyed only") }
        func singleValueContainer() -> any SingleValueEncodingContainer { fatalError("a record encodes keyed only") }
    }

    private struct Columns<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let sink: Sink
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { sink.columns.append((key.stringValue, .null(.text))) }
        mutating func encode(_ value: some SQLBindable, _ key: Key) { sink.columns.append((key.stringValue, value.sqlValue)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { encode(value, key) }
        mutating func encode(_ value: String, forKey key: Key) throws { encode(value, key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { encode(value, key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { encode(value, key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { encode(value, key) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { encode(value, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { encode(value, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { encode(value, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { encode(value, key) }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { encode(value, key) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            // Enums with a text raw value (status, kind) are stored as that text.
            let single = SingleValue(column: key.stringValue)
            try value.encode(to: single)
            guard let stored = single.box.value else { throw Unsupported(column: key.stringValue) }
            sink.columns.append((key.stringValue, stored))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        )
            -> KeyedEncodingContainer<NestedKey>
        { fatalError("column \(key.stringValue): only plain values are stored in a column") }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            fatalError("column \(key.stringValue): only plain values are stored in a column")
        }
        mutating func superEncoder() -> any Encoder { fatalError("records have no super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { fatalError("records have no super") }
    }

    private final class Box { var value: SQLValue? }

    private struct SingleValue: Encoder, SingleValueEncodingContainer {
        let column: String
        let box = Box()
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            fatalError("column \(column): only plain values are stored in a column")
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("column \(column): only plain values are stored in a column") }
        func singleValueContainer() -> any SingleValueEncodingContainer { self }
        mutating func encodeNil() throws { box.value = .null(.text) }
        mutating func encode(_ value: Bool) throws { box.value = value.sqlValue }
        mutating func encode(_ value: String) throws { box.value = value.sqlValue }
        mutating func encode(_ value: Double) throws { box.value = value.sqlValue }
        mutating func encode(_ value: Int) throws { box.value = value.sqlValue }
        mutating func encode(_ value: Int64) throws { box.value = value.sqlValue }
        mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: self) }
    }
}
