/// The record's JSON form, written in the specification's field order.
extension JobPosting {
    /// Appends the record as one compact JSON object.
    ///
    /// ```swift
    /// var w = JSONWriter()
    /// posting.writeJSON(to: &w)
    /// ```
    public func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        func str(_ key: StaticString, _ value: String?) {
            if let value {
                w.key(plain: key)
                w.string(value)
            }
        }
        func num(_ key: StaticString, _ value: Double?) {
            if let value {
                w.key(plain: key)
                w.number(value)
            }
        }
        str("id", id)
        str("source", source)
        str("source_id", sourceID)
        str("url", url)
        str("title", title)
        str("title_raw", titleRaw)
        str("title_canonical", titleCanonical)
        str("seniority", seniority?.rawValue)
        str("role_type", roleType?.rawValue)
        if let o = occupation {
            w.key(plain: "occupation")
            w.beginObject()
            str("noc", o.noc)
            str("onet", o.onet)
            w.endObject()
        }
        str("company", company)
        if let l = location {
            w.key(plain: "location")
            w.beginObject()
            str("city", l.city)
            str("region", l.region)
            str("country", l.country)
            str("postal_code", l.postalCode)
            if let remote = l.remote {
                w.key(plain: "remote")
                w.bool(remote)
            }
            str("text", l.text)
            w.endObject()
        }
        if let s = salary {
            w.key(plain: "salary")
            w.beginObject()
            num("min", s.min)
            num("max", s.max)
            str("currency", s.currency)
            str("period", s.period?.rawValue)
            str("text", s.text)
            w.endObject()
        }
        if let b = salaryBand {
            w.key(plain: "salary_band")
            w.beginObject()
            str("label", b.label?.rawValue)
            num("min", b.min)
            num("max", b.max)
            str("currency", b.currency)
            str("basis", b.basis?.rawValue)
            w.endObject()
        }
        str("employment_type", employmentType?.rawValue)
        str("date_posted", datePosted.map(RFC3339.format))
        str("valid_through", validThrough.map(RFC3339.format))
        str("description_html", descriptionHTML)
        str("description_text", descriptionText)
        if let skills {
            w.key(plain: "skills")
            w.beginArray()
            for skill in skills { w.string(skill) }
            w.endArray()
        }
        if let duplicates {
            w.key(plain: "duplicates")
            w.beginArray()
            for d in duplicates {
                w.beginObject()
                str("source", d.source)
                str("source_id", d.sourceID)
                str("url", d.url)
                w.endObject()
            }
            w.endArray()
        }
        if let extra, !extra.isEmpty {
            w.key(plain: "extra")
            w.beginObject()
            // Sorted so that the same record always gives the same bytes.
            for key in extra.keys.sorted() {
                if let value = extra[key] {
                    w.key(key)
                    w.string(value)
                }
            }
            w.endObject()
        }
        w.endObject()
    }

    /// The record as one line of compact JSON.
    public var jsonText: String {
        var w = JSONWriter()
        writeJSON(to: &w)
        return w.string
    }
}
