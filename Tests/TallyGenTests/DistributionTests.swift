import Foundation
import Testing
@testable import TallyGen

@Suite struct DistributionTests {
    @Test func xoshiroMatchesTheReference() {
        // xoshiro256** from state {1, 2, 3, 4} (reference C implementation).
        var rng = Xoshiro256(state: (1, 2, 3, 4))
        #expect(rng.next() == 11_520)
        #expect(rng.next() == 0)
        #expect(rng.next() == 1_509_978_240)
        #expect(rng.next() == 1_215_971_899_390_074_240)
    }

    @Test func streamsDiffer() {
        var a = Xoshiro256(seed: 1, tenant: 0, stream: .calls)
        var b = Xoshiro256(seed: 1, tenant: 0, stream: .arrivals)
        var c = Xoshiro256(seed: 1, tenant: 1, stream: .calls)
        let x = a.next()
        #expect(x != b.next() && x != c.next())
    }

    @Test func normalHasUnitMomentsAndTails() {
        var rng = Xoshiro256(seed: 3)
        let g = Gaussian()
        let n = 400_000
        var s = 0.0, s2 = 0.0, beyond2 = 0, beyond3 = 0
        for _ in 0..<n {
            let x = rng.normal(g)
            s += x; s2 += x * x
            if abs(x) > 2 { beyond2 += 1 }
            if abs(x) > 3 { beyond3 += 1 }
        }
        let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.01)
        #expect(abs(Double(beyond2) / Double(n) - 0.0455) < 0.002)
        #expect(abs(Double(beyond3) / Double(n) - 0.0027) < 0.0005)
    }

    @Test func gammaBusynessHasMeanOneAndVarianceATenth() {
        var rng = Xoshiro256(seed: 4)
        let g = Gaussian()
        let xs = (0..<100_000).map { _ in rng.gamma(shape: 10, rate: 10, g) }
        let (m, sd) = meanAndSD(xs)
        #expect(abs(m - 1) < 0.005)
        #expect(abs(sd * sd - 0.1) < 0.004)
        #expect(xs.allSatisfy { $0 > 0 })
    }

    @Test(arguments: [0.5, 3.0, 11.9, 12.0, 40.0, 1_000.0])
    func poissonMeanEqualsVariance(lambda: Double) {
        var rng = Xoshiro256(seed: 5)
        let xs = (0..<60_000).map { _ in Double(rng.poisson(lambda)) }
        let (m, sd) = meanAndSD(xs)
        #expect(abs(m - lambda) < 0.03 * lambda + 0.02)
        #expect(abs(sd * sd - lambda) < 0.06 * lambda + 0.03)
    }

    @Test func belowIsUniform() {
        var rng = Xoshiro256(seed: 6)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.below(7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
    }
}
