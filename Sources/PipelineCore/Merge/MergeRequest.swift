/// One set of postings a stage found to be the same job, for the state store to collapse into
/// one when the run is applied.
///
/// The dedupe stage decides which postings are one job; the store, which holds every staged
/// record and the active postings of earlier runs, does the merging. So the stage keeps only a
/// few numbers per posting in memory, whatever the size of the run.
///
/// ```swift
/// try await run.merge([MergeRequest(survivor: "9f86d081884c7d65", absorbed: ["2c26b46b68ffc68f"], prefer: ["partner"])])
/// ```
public struct MergeRequest: Sendable, Hashable {
    /// The id of the posting that stays: staged in this run, or active from an earlier one. When
    /// the run staged it more than once (the same source and source id twice), the first
    /// version stays and the later ones are merged into it.
    public var survivor: String
    /// The ids of the postings merged into the survivor: staged in this run, or active from an
    /// earlier run (they then leave the active set as `duplicate`).
    public var absorbed: [String]
    /// Source names in the order their values win a conflict; sources not listed come after,
    /// the survivor first among them.
    public var prefer: [String]

    /// Creates a request.
    public init(survivor: String, absorbed: [String], prefer: [String] = []) {
        self.survivor = survivor
        self.absorbed = absorbed
        self.prefer = prefer
    }
}
