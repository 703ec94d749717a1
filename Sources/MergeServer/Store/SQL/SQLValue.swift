import Foundation

/// A value as both engines store it: SQLite's storage classes, which PostgreSQL's
/// column types of this schema map onto (BIGINT, DOUBLE PRECISION, TEXT, BYTEA; booleans
/// are kept as 0/1 integers in both). A null remembers the type it stands for, because
/// PostgreSQL must know the type of every bound parameter (`$1 IS NULL` alone says nothing).
public enum SQLValue: Sendable, Equatable {
    case null(SQLType)
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// The column types values are bound as.
public enum SQLType: Sendable, Equatable {
    case integer, real, text, blob
}

/// A Swift value that can be bound to a statement's `?`.
public protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

/// A Swift value a column can be read as. `nil`: the column holds something else.
public protocol SQLReadable {
    static func read(_ value: SQLValue) -> Self?
}

/// The arguments of one statement, in the order of its `?` marks.
public struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    public var values: [SQLValue]

    public init(_ values: [SQLValue] = []) { self.values = values }

    public init(_ bindables: [any SQLBindable]) { values = bindables.map(\.sqlValue) }

    public init(arrayLiteral elements: any SQLBindable...) { values = elements.map(\.sqlValue) }

    public static func += (lhs: inout SQLArguments, rhs: SQLArguments) { lhs.values += rhs.values }
}

extension String: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .text(self) }
    public static func read(_ value: SQLValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

extension Int64: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .integer(self) }
    public static func read(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let integer): integer
        case .real(let real) where real.rounded() == real && abs(real) < 9e18: Int64(real)
        default: nil
        }
    }
}

extension Int: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public static func read(_ value: SQLValue) -> Int? { Int64.read(value).map(Int.init) }
}

extension Double: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .real(self) }
    public static func read(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let real): real
        case .integer(let integer): Double(integer)
        default: nil
        }
    }
}

/// Kept as 0/1 in both engines (the columns are integers).
extension Bool: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public static func read(_ value: SQLValue) -> Bool? { Int64.read(value).map { $0 != 0 } }
}

extension Data: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .blob(self) }
    public static func read(_ value: SQLValue) -> Data? {
        if case .blob(let data) = value { return data }
        return nil
    }
}

/// A nil binds as a null of the wrapped type; a null column reads as nil.
extension Optional: SQLBindable where Wrapped: SQLBindable & SQLTyped {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null(Wrapped.sqlType) }
}

extension Optional: SQLReadable where Wrapped: SQLReadable {
    public static func read(_ value: SQLValue) -> Wrapped?? {
        if value.isNull { return .some(nil) }
        return Wrapped.read(value).map { .some($0) }
    }
}

/// The type a nil of this Swift type is bound as.
public protocol SQLTyped {
    static var sqlType: SQLType { get }
}

extension String: SQLTyped { public static var sqlType: SQLType { .text } }
extension Int64: SQLTyped { public static var sqlType: SQLType { .integer } }
extension Int: SQLTyped { public static var sqlType: SQLType { .integer } }
extension Double: SQLTyped { public static var sqlType: SQLType { .real } }
extension Bool: SQLTyped { public static var sqlType: SQLType { .integer } }
extension Data: SQLTyped { public static var sqlType: SQLType { .blob } }
