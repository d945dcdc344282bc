/// "Did you mean …?" for misspelt keywords, tables, columns and functions.
///
/// Distances are case-insensitive optimal-string-alignment (Damerau–Levenshtein with adjacent
/// transpositions), so `FORM` → `FROM` and `agnet_id` → `agent_id` are one edit apart.
public enum NameSuggestion {
    /// The candidate closest to `name`, or nil when none is close enough to be a likely typo.
    ///
    /// The allowed distance grows with the length of `name`: names of 1–2 characters match only
    /// when they differ in case, 3–4 characters allow 1 edit, 5–8 allow 2, longer ones 3 — and never
    /// more than half the longer of the two names, so `x` does not suggest `id`.
    /// Ties go, in order, to a candidate that contains `name` as a subsequence (letters left out:
    /// `WHER` → WHERE, not WHEN), one of the same length (a letter mistyped: `dayz` → days, not
    /// day), one sharing the first letter, and finally the earliest in `candidates`.
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(name.lowercased().unicodeScalars)
        guard !target.isEmpty else { return nil }
        let limit = threshold(forLength: target.count)
        var best: (name: String, rank: [Int])?
        for candidate in candidates {
            let c = Array(candidate.lowercased().unicodeScalars)
            guard !c.isEmpty, abs(c.count - target.count) <= limit else { continue }
            let d = distance(target, c, limit: limit)
            guard d <= limit, d * 2 <= max(c.count, target.count) || d == 0 else { continue }
            let rank = [d, isSubsequence(target, of: c) ? 0 : 1, c.count == target.count ? 0 : 1, c[0] == target[0] ? 0 : 1]
            if best == nil || rank.lexicographicallyPrecedes(best!.rank) {
                best = (candidate, rank)
            }
        }
        return best?.name
    }

    /// All candidates within the threshold, closest first (for completion menus and multi-hints).
    public static func matches(for name: String, in candidates: some Sequence<String>) -> [String] {
        let target = Array(name.lowercased().unicodeScalars)
        guard !target.isEmpty else { return [] }
        let limit = threshold(forLength: target.count)
        var found: [(String, Int, Int)] = []
        for (i, candidate) in candidates.enumerated() {
            let c = Array(candidate.lowercased().unicodeScalars)
            guard !c.isEmpty, abs(c.count - target.count) <= limit else { continue }
            let d = distance(target, c, limit: limit)
            if d <= limit, d * 2 <= max(c.count, target.count) || d == 0 { found.append((candidate, d, i)) }
        }
        return found.sorted { ($0.1, $0.2) < ($1.1, $1.2) }.map(\.0)
    }

    static func isSubsequence(_ a: [Unicode.Scalar], of b: [Unicode.Scalar]) -> Bool {
        var i = 0
        for c in b where i < a.count && a[i] == c { i += 1 }
        return i == a.count
    }

    /// The largest edit distance accepted for a name of `length` characters.
    public static func threshold(forLength length: Int) -> Int {
        switch length {
        case ...2: return 0
        case 3...4: return 1
        case 5...8: return 2
        default: return 3
        }
    }

    /// Case-insensitive optimal-string-alignment distance between two strings.
    public static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a.lowercased().unicodeScalars), Array(b.lowercased().unicodeScalars), limit: Int.max)
    }

    /// OSA distance; stops early (returning something > limit) once every path exceeds `limit`.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let n = b.count
        var prev2 = [Int](repeating: 0, count: n + 1)
        var prev = Array(0...n)
        var cur = [Int](repeating: 0, count: n + 1)
        for i in 1...a.count {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...n {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, prev2[j - 2] + 1)
                }
                cur[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return rowMin }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[n]
    }
}
