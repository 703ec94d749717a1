extension Double {
    /// "5" for 5.0, "5.5" for 5.5: seconds as providers and messages spell them. Huge
    /// values keep their exponent (an integer conversion of 1e300 would trap).
    public var durationText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
