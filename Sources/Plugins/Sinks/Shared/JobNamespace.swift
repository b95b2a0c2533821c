import PipelineCore

/// The job extension elements the `rss` and `atom` sinks write, in their own namespace, so that
/// a reader that knows them gets the record's fields and one that does not ignores them. Our
/// `rss` and `atom` sources read them back by local name.
///
/// ```xml
/// <job:company>Acme</job:company><job:location>Toronto, ON, CA</job:location>
/// <job:city>Toronto</job:city><job:region>ON</job:region><job:country>CA</job:country>
/// <job:remote>false</job:remote><job:salary>CAD 90,000–110,000 per year</job:salary>
/// <job:type>FULL_TIME</job:type><job:roleType>backend_engineer</job:roleType><job:seniority>senior</job:seniority>
/// ```
enum JobNamespace {
    /// The namespace URI (a URN: stable, and no page to fetch).
    static let uri = "urn:syndicate:job:1"

    /// The elements for one posting, indented for an item or entry.
    static func elements(_ p: JobPosting, indent: String = "      ") -> String {
        var out = ""
        out += XMLOutput.element("job:company", p.company, indent: indent)
        out += XMLOutput.element("job:location", FeedText.place(p.location), indent: indent)
        out += XMLOutput.element("job:city", p.location?.city, indent: indent)
        out += XMLOutput.element("job:region", p.location?.region, indent: indent)
        out += XMLOutput.element("job:country", p.location?.country, indent: indent)
        out += XMLOutput.element("job:postalCode", p.location?.postalCode, indent: indent)
        out += XMLOutput.element("job:remote", p.location?.remote.map { $0 ? "true" : "false" }, indent: indent)
        out += XMLOutput.element("job:salary", FeedText.salary(p.salary), indent: indent)
        if let salary = p.salary {
            out += XMLOutput.element("job:salaryMin", salary.min.map { FieldValue.number($0).description }, indent: indent)
            out += XMLOutput.element("job:salaryMax", salary.max.map { FieldValue.number($0).description }, indent: indent)
            out += XMLOutput.element("job:salaryCurrency", salary.currency, indent: indent)
            out += XMLOutput.element("job:salaryPeriod", salary.period?.rawValue, indent: indent)
        }
        out += XMLOutput.element("job:type", p.employmentType?.rawValue, indent: indent)
        out += XMLOutput.element("job:roleType", p.roleType?.rawValue, indent: indent)
        out += XMLOutput.element("job:seniority", p.seniority?.rawValue, indent: indent)
        out += XMLOutput.element("job:validThrough", p.validThrough.map(RFC3339.format), indent: indent)
        return out
    }
}
