extension KeyedDecodingContainer {
    /// An integer field, read as a number first. Foundation's JSONDecoder reports 1e300,
    /// 1e19 or 1.5 in an `Int` field as "not valid JSON" with no field at all; read here,
    /// where the key is known, the caller is told which field is wrong.
    public func decodeWholeNumberIfPresent(forKey key: Key) throws -> Int? {
        guard let value = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard value == value.rounded(.towardZero), let whole = CheckedConversion.int(value) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must be a whole number in range (got \(value))")
        }
        return whole
    }
}
