import Foundation

/// Erlang C (M/M/N) staffing: the formulas of KPIS.md "Forecasting and staffing".
public enum ErlangC {
    /// Why a staffing question has no answer.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }

    /// Offered load in Erlangs: A = λ·AHT with λ in calls per second.
    public static func load(calls: Double, intervalSeconds: Double, ahtSeconds: Double) throws(Failure) -> Double {
        guard calls.isFinite, calls >= 0 else { throw Failure("calls must be a finite number ≥ 0, got \(calls)") }
        guard intervalSeconds.isFinite, intervalSeconds > 0 else { throw Failure("interval_s must be > 0, got \(intervalSeconds)") }
        guard ahtSeconds.isFinite, ahtSeconds > 0 else { throw Failure("aht_s must be > 0, got \(ahtSeconds)") }
        return calls / intervalSeconds * ahtSeconds
    }

    /// Erlang B blocking probability by the stable recursion 1/B(n) = 1 + (n/A)/B(n−1).
    public static func erlangB(agents n: Int, load a: Double) -> Double {
        if a <= 0 { return 0 }
        var invB = 1.0
        if n > 0 { for k in 1...n { invB = 1 + Double(k) / a * invB } }
        return 1 / invB
    }

    /// Probability that a call waits: C = N·B / (N − A(1−B)); 1 when N ≤ A (the queue grows without bound).
    public static func probabilityOfWait(agents n: Int, load a: Double) -> Double {
        if a <= 0 { return 0 }
        guard Double(n) > a else { return 1 }
        let b = erlangB(agents: n, load: a)
        return Double(n) * b / (Double(n) - a * (1 - b))
    }

    /// Share of calls answered within `t` seconds, 0…1: 1 − C·e^(−(N−A)·t/AHT).
    public static func serviceLevel(agents n: Int, load a: Double, ahtSeconds: Double, targetSeconds t: Double) -> Double {
        if a <= 0 { return 1 }
        guard Double(n) > a else { return 0 }
        let c = probabilityOfWait(agents: n, load: a)
        return max(0, 1 - c * exp(-(Double(n) - a) * t / ahtSeconds))
    }

    /// Average speed of answer in seconds: C·AHT/(N−A); infinite when N ≤ A.
    public static func averageSpeedOfAnswer(agents n: Int, load a: Double, ahtSeconds: Double) -> Double {
        if a <= 0 { return 0 }
        guard Double(n) > a else { return .infinity }
        return probabilityOfWait(agents: n, load: a) * ahtSeconds / (Double(n) - a)
    }

    /// The smallest N whose service level reaches `targetLevel` (0…1) within `targetSeconds`
    /// and whose occupancy A/N is at most `maxOccupancy` (0…1].
    public static func agentsNeeded(load a: Double, ahtSeconds: Double, targetLevel: Double, targetSeconds: Double,
                                    maxOccupancy: Double = 1) throws(Failure) -> Int {
        guard targetLevel > 0, targetLevel < 1 else { throw Failure("the service-level target must be between 0 and 100 %, exclusive") }
        guard targetSeconds >= 0, targetSeconds.isFinite else { throw Failure("target_t must be ≥ 0 seconds") }
        guard maxOccupancy > 0, maxOccupancy <= 1 else { throw Failure("max_occupancy must be in (0, 100] %") }
        if a <= 0 { return 0 }
        guard a < 1e7 else { throw Failure("load of \(a) Erlangs is beyond what staffing can be computed for") }
        var n = max(1, Int(a.rounded(.down)) + 1)
        while Double(n) * maxOccupancy < a { n += 1 }
        while serviceLevel(agents: n, load: a, ahtSeconds: ahtSeconds, targetSeconds: targetSeconds) < targetLevel { n += 1 }
        return n
    }

    /// Agents to schedule so that `agents` are on the phones after `shrinkage` (0…1): ⌈N/(1−shrinkage)⌉.
    public static func scheduled(agents n: Int, shrinkage: Double) throws(Failure) -> Int {
        guard shrinkage >= 0, shrinkage < 1 else { throw Failure("shrinkage must be in [0, 100) %, got \(shrinkage * 100)") }
        // A hair below the exact quotient so that 14/0.7 = 20.000000000000004 stays 20.
        return Int((Double(n) / (1 - shrinkage) - 1e-9).rounded(.up))
    }
}

/// Erlang A (M/M/N+M): Erlang C with callers who abandon after an exponential patience.
public enum ErlangA {
    /// The stationary solution of the birth–death chain for one staffing level.
    public struct Solution: Sendable {
        /// Probability that an arrival waits (finds every agent busy).
        public var probabilityOfWait: Double
        /// Mean queue length E[Lq].
        public var meanQueue: Double
        /// P(abandon) = θ·E[Lq]/λ.
        public var abandonment: Double
        /// ASA = E[Lq]/λ (mean wait over all arrivals, by Little's law).
        public var averageSpeedOfAnswer: Double
        /// Share of all arrivals answered within the target time, 0…1.
        public var serviceLevel: Double
    }

    /// Solves the chain with death rate min(n,N)μ + max(n−N,0)θ; `targetSeconds` gives the service level.
    public static func solve(calls: Double, intervalSeconds: Double, ahtSeconds: Double, patienceSeconds: Double,
                             agents n: Int, targetSeconds: Double) throws(ErlangC.Failure) -> Solution {
        let a = try ErlangC.load(calls: calls, intervalSeconds: intervalSeconds, ahtSeconds: ahtSeconds)
        guard patienceSeconds.isFinite, patienceSeconds > 0 else { throw ErlangC.Failure("patience_s must be > 0, got \(patienceSeconds)") }
        guard n >= 0 else { throw ErlangC.Failure("agents must be ≥ 0, got \(n)") }
        guard targetSeconds >= 0, targetSeconds.isFinite else { throw ErlangC.Failure("target_t must be ≥ 0 seconds") }
        if a <= 0 { return Solution(probabilityOfWait: 0, meanQueue: 0, abandonment: 0, averageSpeedOfAnswer: 0, serviceLevel: 1) }
        let lambda = calls / intervalSeconds, mu = 1 / ahtSeconds, theta = 1 / patienceSeconds
        // Unnormalised π_n built by the ratio λ/death(n), rescaled to stay finite; stop when terms vanish.
        var p: [Double] = [1]
        var k = 0
        var peak = 1.0
        while true {
            k += 1
            let death = Double(min(k, n)) * mu + Double(max(k - n, 0)) * theta
            var next = p[k - 1] * lambda / death
            if next > 1e250 {
                for i in p.indices { p[i] /= 1e250 }
                next /= 1e250; peak /= 1e250
            }
            p.append(next)
            peak = max(peak, next)
            if k > n && next < peak * 1e-17 { break }
            if k > 10_000_000 { throw ErlangC.Failure("the Erlang A chain did not converge (load \(a) Erlangs)") }
        }
        let total = p.reduce(0, +)
        var wait = 0.0, lq = 0.0
        for i in p.indices where i >= n {
            let pi = p[i] / total
            wait += pi
            lq += Double(i - n) * pi
        }
        // Arrivals finding j callers ahead reach an agent by t with the absorption probability of a
        // pure-death chain (rates Nμ + jθ down, θ to "abandoned"); uniformisation keeps it stable.
        var answeredByT = p[0..<min(n, p.count)].reduce(0, +) / total
        if n < p.count {
            let queued = p[n...].map { $0 / total }
            let reach = reachProbabilities(count: queued.count, agents: n, mu: mu, theta: theta, t: targetSeconds)
            for j in queued.indices { answeredByT += queued[j] * reach[j] }
        }
        return Solution(probabilityOfWait: wait, meanQueue: lq, abandonment: theta * lq / lambda,
                        averageSpeedOfAnswer: lq / lambda, serviceLevel: min(1, answeredByT))
    }

    /// For j = 0..<count callers ahead: probability that a tagged caller reaches an agent within t.
    /// Uniformisation at rate Λ: P = Σ_k Pois(k; Λt)·h_k(j), h_k(j) = P(served within k jumps | j ahead).
    static func reachProbabilities(count: Int, agents n: Int, mu: Double, theta: Double, t: Double) -> [Double] {
        let serve = Double(n) * mu
        if serve == 0 || count == 0 { return Array(repeating: 0, count: count) }
        let rate = serve + Double(count) * theta + theta
        let lt = rate * t
        var h = Array(repeating: 0.0, count: count)
        var next = h
        var result = Array(repeating: 0.0, count: count)
        // Pois(0) weights h_0 = 0; log-space start avoids underflow of e^(−Λt) for large Λt.
        var logPois = -lt
        var cumulative = exp(logPois)
        let limit = Int(lt + 12 * lt.squareRoot() + 30)
        var k = 0
        while k < limit && cumulative < 1 - 1e-15 {
            k += 1
            for j in 0..<count {
                let down = serve + Double(j) * theta
                let target = j == 0 ? 1.0 : h[j - 1]
                next[j] = (down * target + (rate - down - theta) * h[j]) / rate
            }
            swap(&h, &next)
            logPois += log(lt) - log(Double(k))
            let w = exp(logPois)
            cumulative += w
            for j in 0..<count { result[j] += w * h[j] }
        }
        // Jumps beyond the truncation: h has (nearly) converged, so weight it by the missing mass.
        let tail = max(0, 1 - cumulative)
        for j in 0..<count { result[j] += tail * h[j] }
        return result
    }

    /// The smallest N whose service level reaches `targetLevel` (0…1) within `targetSeconds`.
    public static func agentsNeeded(calls: Double, intervalSeconds: Double, ahtSeconds: Double, patienceSeconds: Double,
                                    targetLevel: Double, targetSeconds: Double) throws(ErlangC.Failure) -> Int {
        guard targetLevel > 0, targetLevel < 1 else { throw ErlangC.Failure("the service-level target must be between 0 and 100 %, exclusive") }
        let a = try ErlangC.load(calls: calls, intervalSeconds: intervalSeconds, ahtSeconds: ahtSeconds)
        if a <= 0 { return 0 }
        var n = max(1, Int(a * 0.5))
        while n > 1, try solve(calls: calls, intervalSeconds: intervalSeconds, ahtSeconds: ahtSeconds, patienceSeconds: patienceSeconds,
                                agents: n - 1, targetSeconds: targetSeconds).serviceLevel >= targetLevel { n -= 1 }
        while try solve(calls: calls, intervalSeconds: intervalSeconds, ahtSeconds: ahtSeconds, patienceSeconds: patienceSeconds,
                        agents: n, targetSeconds: targetSeconds).serviceLevel < targetLevel {
            n += 1
            if n > 10_000_000 { throw ErlangC.Failure("no staffing level reaches the target") }
        }
        return n
    }
}
