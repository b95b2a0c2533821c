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

    /// `body` over `items` in parts at once, the results in order; one call when the batch is
    /// small or the machine has one core.
    public static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (ArraySlice<Item>) async throws -> [Result]
    ) async throws -> [Result] {
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, items.count / minimumPart)
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
}
