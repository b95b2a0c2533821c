import Foundation
@testable import PipelineCore
import Testing

@Suite("Work spread over the cores")
struct ConcurrentPartsTests {
    /// Strings, so that a posting's reference-counted fields moved or dropped wrongly would show
    /// as wrong values (or a crash), not just as wrong numbers.
    private func items(_ count: Int) -> [String] {
        (0..<count).map { "item \($0) " + String(repeating: "x", count: $0 % 40) }
    }

    @Test("every item changed in place, those dropped removed, the others in their order, at every size")
    func updateInPlace() async {
        for count in [0, 1, 63, 64, 127, 128, 129, 1_000, 10_007] {
            var changed = items(count)
            await ConcurrentParts.update(&changed) { item in
                guard !item.hasPrefix("item 3") else { return false }
                item += "!"
                return !item.contains("x!") || item.count % 3 != 0
            }
            let expected = items(count).compactMap { item -> String? in
                guard !item.hasPrefix("item 3") else { return nil }
                let after = item + "!"
                return !after.contains("x!") || after.count % 3 != 0 ? after : nil
            }
            #expect(changed == expected, "\(count) items")
        }
    }

    @Test("a shared batch is left as it was")
    func sharedBatchUntouched() async {
        let original = items(500)
        var copy = original
        await ConcurrentParts.update(&copy) { item in
            item = item.uppercased()
            return item.count % 2 == 0
        }
        #expect(original == items(500))
        #expect(copy == items(500).map { $0.uppercased() }.filter { $0.count % 2 == 0 })
    }

    @Test("map in place gives each item's result in order, without the nils, the items kept as changed, at every size")
    func mapInPlace() async {
        for count in [0, 1, 63, 64, 127, 128, 129, 1_000, 10_007] {
            var mapped = items(count)
            let results = await ConcurrentParts.map(inPlace: &mapped) { item -> Int? in
                item += "."
                return item.count % 4 == 0 ? nil : item.count
            }
            let changed = items(count).map { $0 + "." }
            #expect(mapped == changed, "\(count) items")
            #expect(results == changed.map(\.count).filter { $0 % 4 != 0 }, "\(count) items")
        }
    }

    @Test("map joins the parts' results in order")
    func mapInOrder() async throws {
        let doubled = try await ConcurrentParts.map(Array(0..<5_000)) { part in part.map { $0 * 2 } }
        #expect(doubled == (0..<5_000).map { $0 * 2 })
    }
}
