import PipelineCore

/// Maps an RSS `item` (0.9x, 1.0/RDF, 2.0) onto the record: the core elements; `content:encoded`,
/// `dc:*`, `dcterms:*`; job extensions in any other namespace by local name; `guid` as
/// `source_id`; `category` and `enclosure` (and every other leftover) in `extra`.
enum RSSMapper {
    static func map(_ record: XMLStreamParser.Record, documentBase: String?) -> PostingBuilder {
        var b = PostingBuilder()
        let item = record.element
        let base = XMLStreamParser.resolve(item.attribute("base"), against: record.base ?? documentBase)
        var link: String?, guid: String?, guidIsLink = true
        var description: String?, encoded: String?, dcDescription: String?, otherDescription: String?, otherTitle: String?
        var dates: [Int: String] = [:]
        var categories: [String] = []
        for child in item.elements {
            let ns = child.namespace
            switch (Namespace.isRSSCore(ns) ? "rss" : ns ?? "", child.name) {
            case ("rss", "title"): b.fill(.title, child.text)
            case ("rss", "link"): link = link ?? child.text.trimmed
            case ("rss", "guid"):
                guid = child.text.trimmed
                guidIsLink = child.attribute("isPermaLink")?.lowercased() != "false"
            case ("rss", "description"): description = child.htmlContent
            case ("rss", "pubDate"): dates[0] = child.text
            case ("rss", "expirationDate"): b.fill(.validThrough, child.text)
            case ("rss", "author"): b.extra("author", child.text)
            case ("rss", "category"): categories.append(child.text.trimmed)
            case ("rss", "enclosure"): b.extra("enclosure", child.attribute("url"))
            case ("rss", "comments"), ("rss", "source"): b.extra(child.name, child.text)
            case (Namespace.content, "encoded"): encoded = child.text
            case (Namespace.dc, "title"): b.fill(.title, child.text)
            case (Namespace.dc, "description"): dcDescription = child.htmlContent
            case (Namespace.dc, "date"): dates[1] = child.text
            case (Namespace.dcterms, "issued"): dates[2] = child.text
            case (Namespace.dcterms, "created"): dates[3] = child.text
            case (Namespace.dcterms, "modified"): dates[4] = child.text
            case (Namespace.dcterms, "valid"): b.fill(.validThrough, validEnd(child.text))
            case (Namespace.dc, "creator"), (Namespace.dc, "author"), (Namespace.itunes, "author"), (Namespace.itunesCapitalized, "author"):
                b.extra("author", child.text)
            case (Namespace.dc, "publisher"): b.extra("publisher", child.text)
            case (Namespace.media, "title"), (Namespace.media, "description"), (Namespace.media, "group"),
                (Namespace.itunes, "summary"), (Namespace.itunesCapitalized, "summary"):
                let described = MediaModule.describe(child)
                otherTitle = otherTitle ?? described.title
                otherDescription = otherDescription ?? described.description
            case (Namespace.dc, "subject"): categories.append(child.text.trimmed)
            case (Namespace.atom10, "link") where child.attribute("rel") ?? "alternate" == "alternate":
                link = link ?? child.attribute("href")
            case (Namespace.atom10, "updated"), (Namespace.atom10, "published"): dates[5] = dates[5] ?? child.text
            default:
                if Namespace.isRSSCore(ns) || !Namespace.known.contains(ns ?? "") {
                    JobExtensions.apply(child, to: &b)
                } else {
                    b.extra(child.extraKey, child.text)
                }
            }
        }
        let about = item.attribute("about", namespace: Namespace.rdf)
        if let guid, !guid.isEmpty { b.set(.sourceID, guid) } else { b.set(.sourceID, about) }
        var url = link.flatMap { XMLStreamParser.resolve($0, against: base) }
        if url == nil || url?.isEmpty == true, guidIsLink, let guid, guid.hasPrefix("http") { url = guid }
        if url == nil, let about, about.hasPrefix("http") { url = about }
        b.set(.url, url)
        if b.posting.sourceID == nil, b.posting.url == nil, let url { b.set(.sourceID, url) }
        b.set(.descriptionHTML, encoded ?? description ?? dcDescription ?? otherDescription)
        b.fill(.title, otherTitle)
        if let first = dates.keys.sorted().first { b.set(.datePosted, dates[first]) }
        for category in categories where !category.isEmpty { b.extra("category", category) }
        return b
    }

    /// The end of a Dublin Core period (`start=…;end=2002-10-17T17:00+01:00;scheme=W3C-DTF`).
    static func validEnd(_ text: String) -> String? {
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmed }
            if pair.count == 2, pair[0] == "end" { return pair[1] }
        }
        return nil
    }
}
