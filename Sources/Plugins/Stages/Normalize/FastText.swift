extension String {
    /// Whether `needle` occurs in the text, compared byte for byte on the strings' own storage.
    ///
    /// Written here because Foundation's `contains(_:)` goes through NSString on Linux and was a
    /// third of the title normalizer's time (perf); titles are short, a plain scan suffices.
    func has(_ needle: String) -> Bool {
        var hay = self, pattern = needle
        return hay.withUTF8 { h in
            pattern.withUTF8 { n in
                guard !n.isEmpty else { return true }
                guard n.count <= h.count else { return false }
                let first = n[0]
                var i = 0
                while i + n.count <= h.count {
                    if h[i] == first {
                        var j = 1
                        while j < n.count, h[i + j] == n[j] { j += 1 }
                        if j == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
