import Foundation

/// Work on a batch spread over the machine's cores: the batch cut into one part per core, the
/// parts processed at once, the results joined in the parts' order — so the output is the same
/// as in one piece. Used by the runner for stages that process postings independently, and by
/// stages that do heavy work per posting (dedupe's description hashes).
///
/// ```swift
/// let hashes = try await ConcurrentParts.map(batch) { part in part.map(signature) }
/// ```
public enum ConcurrentParts {
    /// A part smaller than this is not worth a task of its own.
    public static let minimumPart = 64

    /// The cores, read once: Foundation reads the cgroup's CPU quota files on every ask, and
    /// the runner asks for every stage of every batch (open and read calls were about 0.4% of
    /// a run's samples while its sources were read).
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// `body` over `items` in parts at once, the results in order; one call when the batch is
    /// small or the machine has one core.
    public static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (ArraySlice<Item>) async throws -> [Result]
    ) async throws -> [Result] {
        let parts = min(cores, items.count / minimumPart)
        guard parts > 1 else { return try await body(items[...]) }
        let size = (items.count + parts - 1) / parts
        return try await withThrowingTaskGroup(of: (Int, [Result]).self) { group in
            for part in 0..<parts {
                let slice = items[(part * size)..<min(items.count, (part + 1) * size)]
                group.addTask { (part, try await body(slice)) }
            }
            var results = [[Result]](repeating: [], count: parts)
            for try await (part, out) in group { results[part] = out }
            return results.flatMap { $0 }
        }
    }

    /// `body` over every item in place, the items in one part per core at once; the items it
    /// returns false for are removed afterwards, the others keep their order. Nothing is
    /// copied unless `items` is shared or something is removed.
    public static func update<Item>(_ items: inout [Item], _ body: @escaping @Sendable (inout Item) -> Bool) async {
        let count = items.count
        let parts = min(cores, count / minimumPart)
        let keep = UnsafeMutableBufferPointer<Bool>.allocate(capacity: count)
        defer { keep.deallocate() }
        keep.initialize(repeating: true)
        if parts > 1 {
            // An array's storage can only be lent to a closure that does not wait, so the items
            // are moved to a buffer the parts' tasks share and back: moves, not copies (the
            // parts run as tasks of the cooperative pool, beside the sources' own; blocking a
            // thread of it for them made the run's memory grow by a tenth).
            let buffer = UnsafeMutableBufferPointer<Item>.allocate(capacity: count)
            defer { buffer.deallocate() }
            items.withUnsafeMutableBufferPointer { _ = buffer.moveInitialize(fromContentsOf: $0) }
            // Until moved back, `items` holds moved-from memory; nothing reads it, as this call
            // has it exclusively and `body` cannot throw.
            let shared = UnsafeParts(items: buffer, keep: keep)
            let size = (count + parts - 1) / parts
            await withTaskGroup(of: Void.self) { group in
                for part in 0..<parts {
                    group.addTask { shared.run((part * size)..<min(count, (part + 1) * size), body) }
                }
            }
            items.withUnsafeMutableBufferPointer { _ = $0.moveInitialize(fromContentsOf: buffer) }
        } else {
            items.withUnsafeMutableBufferPointer { UnsafeParts(items: $0, keep: keep).run(0..<count, body) }
        }
        guard keep.contains(false) else { return }
        // The kept ones moved up in order by swapping, which retains nothing.
        var next = 0
        items.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<count where keep[i] {
                if i != next { buffer.swapAt(i, next) }
                next += 1
            }
        }
        items.removeLast(count - next)
    }
}

/// The buffers `ConcurrentParts.update` hands its parts; each part touches a range of its own.
private struct UnsafeParts<Item>: @unchecked Sendable {
    let items: UnsafeMutableBufferPointer<Item>
    let keep: UnsafeMutableBufferPointer<Bool>

    func run(_ range: Range<Int>, _ body: (inout Item) -> Bool) {
        for i in range where !body(&items[i]) { keep[i] = false }
    }
}
