/// The release this build reports (`--version`), and part of every pipeline's fingerprint: a
/// new release may read the same feed differently.
public enum SyndicateVersion {
    /// The version number.
    public static let current = "0.1.0"
}
