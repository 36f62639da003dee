/// A session's browser and system in a few words ("Firefox, Android"), from its User-Agent, so
/// a member can tell their sessions apart. Only the common names are looked for, in the order
/// that matters (Edge and Opera say "Chrome" too; Chrome says "Safari"; Android says "Linux").
public enum DeviceName {
    public static func describe(_ userAgent: String) -> String {
        let browser = first(in: userAgent, of: [
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"),
            ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("curl/", "curl"),
        ])
        let system = first(in: userAgent, of: [
            ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
        ])
        return [browser, system].compactMap { $0 }.joined(separator: ", ")
    }

    private static func first(in userAgent: String, of names: [(marker: String, name: String)]) -> String? {
        names.first { userAgent.contains($0.marker) }?.name
    }
}
