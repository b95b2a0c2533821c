/// How the postings of one job become one record: the survivor keeps its identity (`id`,
/// `source`, `source_id`) and gains every field it lacks from the others; where two have a value,
/// the more preferred source wins, and without a preference the survivor's value stays.
///
/// Fields that only make sense together are taken together: the salary as posted as a whole,
/// the description's HTML and text from the same posting. A band from a posted salary beats an
/// estimated one whatever the preference, since it is a fact about the job. `duplicates` lists
/// every merged posting (and what they had merged), once each, in a stable order.
///
/// ```swift
/// let one = PostingMerge.merge(survivor: first, others: [repost], prefer: ["partner"])
/// ```
public enum PostingMerge {
    /// Merges `others` into `survivor`.
    public static func merge(survivor: JobPosting, others: [JobPosting], prefer: [String] = []) -> JobPosting {
        guard !others.isEmpty else { return survivor }
        // The order values are taken in: preferred sources first, then the rest; the survivor
        // leads among equals (a stable sort keeps it first).
        let rank = Dictionary(prefer.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let candidates = ([survivor] + others).enumerated()
            .sorted { (rank[$0.element.source ?? ""] ?? prefer.count, $0.offset) < (rank[$1.element.source ?? ""] ?? prefer.count, $1.offset) }
            .map(\.element)
        func first<T>(_ value: (JobPosting) -> T?) -> T? {
            for candidate in candidates { if let v = value(candidate) { return v } }
            return nil
        }
        func firstText(_ value: (JobPosting) -> String?) -> String? {
            first { value($0).flatMap { $0.isEmpty ? nil : $0 } }
        }

        var merged = survivor
        merged.url = firstText(\.url)
        merged.title = firstText(\.title)
        merged.titleRaw = firstText(\.titleRaw)
        merged.titleCanonical = firstText(\.titleCanonical)
        merged.seniority = first(\.seniority)
        merged.roleType = first(\.roleType)
        merged.occupation = first(\.occupation)
        merged.company = firstText(\.company)
        merged.salary = first(\.salary)
        merged.salaryBand = first { $0.salaryBand?.basis == .posted ? $0.salaryBand : nil } ?? first(\.salaryBand)
        merged.employmentType = first(\.employmentType)
        merged.datePosted = first(\.datePosted)
        merged.validThrough = first(\.validThrough)
        if let described = candidates.first(where: { !($0.descriptionHTML ?? "").isEmpty || !($0.descriptionText ?? "").isEmpty }) {
            merged.descriptionHTML = described.descriptionHTML
            merged.descriptionText = described.descriptionText
        }
        merged.skills = first { ($0.skills ?? []).isEmpty ? nil : $0.skills }

        // A place is merged part by part: one copy may carry the postal code another lacks.
        var location = Location()
        location.city = firstText { $0.location?.city }
        location.region = firstText { $0.location?.region }
        location.country = firstText { $0.location?.country }
        location.postalCode = firstText { $0.location?.postalCode }
        location.remote = first { $0.location?.remote }
        location.text = firstText { $0.location?.text }
        merged.location = location == Location() ? nil : location

        var extra: [String: String] = [:]
        for candidate in candidates.reversed() {
            for (key, value) in candidate.extra ?? [:] { extra[key] = value }
        }
        merged.extra = extra.isEmpty ? nil : extra

        merged.duplicates = references(survivor: survivor, others: others)
        return merged
    }

    /// Every merged posting and what it had merged before, without the survivor itself, once
    /// each, sorted so that the same set gives the same record.
    static func references(survivor: JobPosting, others: [JobPosting]) -> [DuplicateReference]? {
        var seen = Set<DuplicateReference>()
        var all: [DuplicateReference] = []
        func add(_ reference: DuplicateReference) {
            if reference.source == survivor.source, reference.sourceID == survivor.sourceID, reference.sourceID != nil { return }
            if seen.insert(reference).inserted { all.append(reference) }
        }
        for reference in survivor.duplicates ?? [] { add(reference) }
        for other in others {
            add(DuplicateReference(source: other.source, sourceID: other.sourceID, url: other.url))
            for reference in other.duplicates ?? [] { add(reference) }
        }
        all.sort { ($0.source ?? "", $0.sourceID ?? "", $0.url ?? "") < ($1.source ?? "", $1.sourceID ?? "", $1.url ?? "") }
        return all.isEmpty ? nil : all
    }
}
