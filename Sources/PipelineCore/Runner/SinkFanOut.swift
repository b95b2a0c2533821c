import Dispatch
import Synchronization

/// Hands the postings of one pass over the active set to the sinks that share it, each sink
/// writing on a thread of its own while the store reads on — or, on a first run, while the
/// store copies the records it hands over (`StateStore.applyRun(_:feeding:)`).
///
/// The pass used to be one core's work: reading a record, decoding it, and every sink's
/// encoding, one after the other. Now the store's thread only reads; each sink takes the
/// postings in batches on its own serial queue, in the pass's order, so its feed comes out
/// byte for byte as before. A posting is decoded once, by whichever sink asks first (see
/// `StoredPosting.posting`). At most `slots` batches wait for each sink: a slow sink slows the
/// pass instead of filling memory.
///
/// The reading thread blocks while a sink's slots are full. That is the store's thread, or for
/// PostgreSQL the task streaming the rows; the sinks' queues are Dispatch's own threads, not
/// Swift's cooperative pool, so they make progress whatever that thread waits for (and the
/// sinks' blocking writes ran on it before).
///
/// ```swift
/// let fan = SinkFanOut(members)
/// try await transaction.forEach(order: order, limit: nil) { fan.take($0) }
/// fan.finish()
/// ```
final class SinkFanOut {
    /// Postings a sink is handed at once: enough that a hand-over's cost (a queue's wake-up)
    /// is spread over many, few enough that the batches waiting stay small (a record is a
    /// few KB: at most six batches, about 20 MB with their decoded postings, are alive).
    static let batchSize = 256
    /// Batches that may wait for one sink.
    static let slots = 4

    /// One sink's thread and what the reading side knows of it.
    private final class Lane: @unchecked Sendable {
        // @unchecked: the publication is used only on `queue` while the pass runs, and by the
        // runner only once `finish` has waited for the queue (which orders the accesses).
        let member: SinkPublication
        let queue: DispatchQueue
        let free = DispatchSemaphore(value: SinkFanOut.slots)
        /// Whether it wants no more postings, as of the last batch it took.
        let done = Atomic(false)

        init(_ member: SinkPublication, index: Int) {
            self.member = member
            queue = DispatchQueue(label: "syndicate.sink.\(index)", qos: .userInitiated)
            done.store(member.done, ordering: .relaxed)
        }
    }

    /// A batch handed to the lanes, and how many of them have yet to write it.
    private final class Batch: Sendable {
        let postings: [StoredPosting]
        let remaining: Atomic<Int>

        init(_ postings: [StoredPosting], lanes: Int) {
            self.postings = postings
            remaining = Atomic(lanes)
        }
    }

    private let lanes: [Lane]
    private var batch: [StoredPosting] = []
    /// Batches handed over, oldest first, kept until every lane has written them (no longer
    /// than a lane's slots hold them): let go of here, their records are freed on the thread
    /// that read them. Freed by whichever sink finished last, each record took the reading
    /// thread's malloc arena lock; over two seconds of a 250k first run's copy, the lock waits
    /// went from 3,536 to 896 of the context switches (`perf record -e sched:sched_switch`).
    private var inFlight: [Batch] = []

    /// Fans out to `members` (sinks in the same feed order).
    init(_ members: [SinkPublication]) {
        lanes = members.enumerated().map { Lane($1, index: $0) }
        batch.reserveCapacity(Self.batchSize)
    }

    /// Queues one posting for every sink; false once none wants more (the pass may stop).
    func take(_ stored: StoredPosting) -> Bool {
        batch.append(stored)
        if batch.count >= Self.batchSize { send() }
        return lanes.contains { !$0.done.load(ordering: .relaxed) }
    }

    /// Hands the rest to the sinks and waits until each has written all it was handed.
    func finish() {
        send()
        for lane in lanes { lane.queue.sync {} }
        inFlight.removeAll()
    }

    private func send() {
        guard !batch.isEmpty else { return }
        let sending = lanes.filter { !$0.done.load(ordering: .relaxed) }
        let handed = Batch(batch, lanes: sending.count)
        batch.removeAll(keepingCapacity: true)
        for lane in sending {
            lane.free.wait()
            lane.queue.async {
                for stored in handed.postings where !lane.member.done { lane.member.take(stored) }
                lane.done.store(lane.member.done, ordering: .relaxed)
                handed.remaining.subtract(1, ordering: .releasing)
                lane.free.signal()
            }
        }
        inFlight.append(handed)
        while let oldest = inFlight.first, oldest.remaining.load(ordering: .acquiring) == 0 { inFlight.removeFirst() }
    }
}
