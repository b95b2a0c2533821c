import PipelineCore

/// Job-board extension elements, in any namespace, mapped by local name: `job:company`,
/// `jobs:location`, `x:salary`, `type`, `expires`… This is data: the local names (lower-cased)
/// and the record field each fills.
enum JobExtensions {
    enum Target {
        case field(FieldPath.Field)
        case remote
    }

    static let names: [String: Target] = [
        "company": .field(.company), "employer": .field(.company), "hiringorganization": .field(.company),
        "companyname": .field(.company), "organization": .field(.company), "organisation": .field(.company),
        "location": .field(.locationText), "joblocation": .field(.locationText), "place": .field(.locationText),
        "address": .field(.locationText), "workplace": .field(.locationText),
        "city": .field(.locationCity), "locality": .field(.locationCity),
        "state": .field(.locationRegion), "region": .field(.locationRegion), "province": .field(.locationRegion),
        "country": .field(.locationCountry), "countrycode": .field(.locationCountry),
        "postalcode": .field(.locationPostalCode), "zip": .field(.locationPostalCode), "zipcode": .field(.locationPostalCode),
        "postcode": .field(.locationPostalCode),
        "remote": .remote, "remotetype": .remote, "telecommute": .remote, "worktype": .remote,
        "salary": .field(.salaryText), "compensation": .field(.salaryText), "pay": .field(.salaryText),
        "salaryrange": .field(.salaryText), "basesalary": .field(.salaryText),
        "salarymin": .field(.salaryMin), "minsalary": .field(.salaryMin), "salarymax": .field(.salaryMax),
        "maxsalary": .field(.salaryMax), "salarycurrency": .field(.salaryCurrency), "currency": .field(.salaryCurrency),
        "type": .field(.employmentType), "jobtype": .field(.employmentType), "employmenttype": .field(.employmentType),
        "employment": .field(.employmentType), "contracttype": .field(.employmentType),
        "expires": .field(.validThrough), "expirationdate": .field(.validThrough), "expirydate": .field(.validThrough),
        "validthrough": .field(.validThrough), "closingdate": .field(.validThrough), "deadline": .field(.validThrough),
    ]

    /// Applies one extension element; what has no field goes to `extra` under its local name.
    static func apply(_ element: XMLElement, to builder: inout PostingBuilder) {
        let text = element.text
        switch names[element.name.lowercased()] {
        case .field(let field)?:
            builder.fill(field, text)
        case .remote?:
            if let remote = remoteFlag(text) {
                if builder.posting.location?.remote == nil { builder.set(FieldPath(.locationRemote), .bool(remote)) }
            } else {
                builder.extra(element.name, text)
            }
        case nil:
            builder.extra(element.name, text)
        }
    }

    /// "Remote", "yes", "true", "Fully remote" are remote; "on-site", "no", "false" are not;
    /// anything else ("hybrid") says nothing.
    static func remoteFlag(_ text: String) -> Bool? {
        let t = text.lowercased().trimmed
        if ["yes", "true", "1", "remote", "fully remote", "full remote", "telecommute", "work from home", "wfh", "100% remote"].contains(t) { return true }
        if ["no", "false", "0", "on-site", "onsite", "on site", "in office", "in-office", "office"].contains(t) { return false }
        if t.contains("remote") && !t.contains("hybrid") && !t.contains("no remote") && !t.contains("not remote") { return true }
        return nil
    }
}
