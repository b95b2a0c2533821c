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
        let keep = UnsafeMutableBufferPointer<Bool>.allocate(capacity: count)
        defer { keep.deallocate() }
        keep.initialize(repeating: true)
        let marks = UnsafeShared(keep)
        await inParts(&items) { items, range, _ in
            for i in range where !body(&items[i]) { marks.buffer[i] = false }
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

    /// `body` over every item in place, the items in one part per core at once, and what it
    /// gives (but nil) in the items' order. For a stage that reads each posting of a batch it
    /// owns: `map` hands out parts of a shared batch, and reading a posting from one copied
    /// it (a retain of each of its strings).
    public static func map<Item, Result: Sendable>(inPlace items: inout [Item], _ body: @escaping @Sendable (inout Item) -> Result?) async -> [Result] {
        let parts = UnsafeMutableBufferPointer<[Result]>.allocate(capacity: partCount(items.count))
        parts.initialize(repeating: [])
        defer {
            parts.deinitialize()
            parts.deallocate()
        }
        let shared = UnsafeShared(parts)
        await inParts(&items) { items, range, part in
            var out: [Result] = []
            out.reserveCapacity(range.count)
            for i in range {
                if let result = body(&items[i]) { out.append(result) }
            }
            shared.buffer[part] = out
        }
        return parts.flatMap { $0 }
    }

    /// How many parts `inParts` cuts `count` items into.
    private static func partCount(_ count: Int) -> Int {
        max(1, min(cores, count / minimumPart))
    }

    /// `run` over `items` in `partCount` ranges at once (each with its part's number), each
    /// range's items lent in place.
    private static func inParts<Item>(
        _ items: inout [Item], _ run: @escaping @Sendable (UnsafeMutableBufferPointer<Item>, Range<Int>, Int) -> Void
    ) async {
        let count = items.count
        let parts = partCount(count)
        guard parts > 1 else {
            items.withUnsafeMutableBufferPointer { run($0, 0..<count, 0) }
            return
        }
        // An array's storage can only be lent to a closure that does not wait, so the items
        // are moved to a buffer the parts' tasks share and back: moves, not copies (the
        // parts run as tasks of the cooperative pool, beside the sources' own; blocking a
        // thread of it for them made the run's memory grow by a tenth).
        let buffer = UnsafeMutableBufferPointer<Item>.allocate(capacity: count)
        defer { buffer.deallocate() }
        items.withUnsafeMutableBufferPointer { _ = buffer.moveInitialize(fromContentsOf: $0) }
        // Until moved back, `items` holds moved-from memory; nothing reads it, as this call
        // has it exclusively and `run` cannot throw.
        let shared = UnsafeShared(buffer)
        let size = (count + parts - 1) / parts
        await withTaskGroup(of: Void.self) { group in
            for part in 0..<parts {
                group.addTask { run(shared.buffer, (part * size)..<min(count, (part + 1) * size), part) }
            }
        }
        items.withUnsafeMutableBufferPointer { _ = $0.moveInitialize(fromContentsOf: buffer) }
    }
}

/// A buffer the parts of `ConcurrentParts` share; each part touches a range of its own.
private struct UnsafeShared<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        self.buffer = buffer
    }
}
