extension StringProtocol {
    /// Whether `needle` occurs in the text, compared byte for byte.
    ///
    /// Written here because Foundation's `contains(_:)` goes through NSString on Linux and was a
    /// third of the title normalizer's time (perf); titles are short, a plain scan suffices.
    func has(_ needle: String) -> Bool {
        let hay = Array(utf8), n = Array(needle.utf8)
        guard !n.isEmpty, n.count <= hay.count else { return n.isEmpty }
        let first = n[0]
        var i = 0
        while i + n.count <= hay.count {
            if hay[i] == first {
                var j = 1
                while j < n.count, hay[i + j] == n[j] { j += 1 }
                if j == n.count { return true }
            }
            i += 1
        }
        return false
    }
}
