import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// Logs, metrics and configuration, as an operator sees them.
@Suite struct OperationsTests {
    @Test func requestLogsNeverCarryPasswordsCookiesOrTokens() async throws {
        let logs = LogCapture()
        try await withApp(logs: logs) { browser, _ in
            try await browser.register("registrada", password: "contraseña-muy-secreta")
            let session = try #require(browser.cookies["cabildo_session"])
            let token = try #require(browser.csrfToken)
            try await browser.get("/search?q=palabra-buscada")
            try await browser.post("/logout", [])
            try await browser.get("/login")
            try await browser.post("/login", [("username", "registrada"), ("password", "clave-equivocada-9")])
            let lines = logs.lines
            #expect(lines.contains { $0.contains("route=/register") && $0.contains("status=303") && $0.contains("method=POST") })
            #expect(lines.contains { $0.contains("route=/search") && $0.contains("ms=") })
            for secret in ["contraseña-muy-secreta", "clave-equivocada-9", session, token, "palabra-buscada"] {
                #expect(!lines.contains { $0.contains(secret) }, "a log line contains \(secret)")
            }
        }
    }

    @Test func metricsCountRequestsSignInsPostsAndRefusalsForLoopbackOnly() async throws {
        var config = testConfig()
        config.rateLimits.enabled = true
        config.rateLimits.login = RateLimit(2, per: 600)
        try await withApp(config: config, framework: .live) { browser, _ in
            try await browser.register("medida")
            _ = try await browser.openThread(title: "Un hilo medido", body: "Texto")
            try await browser.post("/logout", [])
            for _ in 0..<3 {
                try await browser.get("/login")
                try await browser.post("/login", [("username", "medida"), ("password", "clave-equivocada-9")])
            }
            let metrics = try await browser.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.html
            #expect(text.contains("cabildo_http_requests_total{route=\"/b/{slug}\",method=\"POST\",status=\"303\"} 1"))
            #expect(text.contains("cabildo_http_requests_total{route=\"/login\",method=\"POST\",status=\"429\"} 1"))
            #expect(text.contains("cabildo_http_request_duration_seconds_bucket{route=\"/b/{slug}/new\",le=\"0.005\"}"))
            #expect(text.contains("cabildo_logins_total{result=\"failed\"} 2"))
            #expect(text.contains("cabildo_rate_limit_refusals_total{action=\"login\"} 1"))
            #expect(text.contains("cabildo_posts_created_total{kind=\"thread\",held=\"no\"} 1"))
            #expect(text.contains("cabildo_database_bytes "))
        }
        var closed = testConfig()
        closed.metricsAllowed = AddressRanges(parsing: ["10.0.0.0/8"])!
        try await withApp(config: closed, framework: .live) { browser, _ in
            let page = try await browser.get("/metrics")
            #expect(page.status == .notFound, "127.0.0.1 is not in the allowed range")
        }
        try await withApp { browser, _ in
            let page = try await browser.get("/metrics")
            #expect(page.status == .notFound, "no socket address, no metrics")
        }
    }

    @Test func badSettingsAreRefusedByName() throws {
        let bad: [(String, String)] = [
            ("CABILDO_PORT", "ochenta"), ("CABILDO_PORT", "70000"), ("CABILDO_ARGON2_MEMORY_KIB", "1"),
            ("CABILDO_SESSION_IDLE_DAYS", "0"), ("CABILDO_FLAG_HIDE_THRESHOLD", "0"), ("CABILDO_HOLD_FIRST_POSTS", "-1"),
            ("CABILDO_RATE_LIMITS", "quizás"), ("CABILDO_RATE_REPLY", "5"), ("CABILDO_TRUSTED_PROXIES", "proxy.local"),
            ("CABILDO_METRICS_ALLOW", "300.1.1.1"), ("CABILDO_LOG_FORMAT", "xml"), ("CABILDO_LOG_LEVEL", "loud"),
        ]
        for (name, value) in bad {
            let error = #expect(throws: AppConfig.ConfigError.self, "\(name)=\(value)") { try AppConfig.fromEnvironment([name: value]) }
            #expect(error.map { "\($0)".contains(name) && "\($0)".contains(value) } == true)
        }
        let good = try? AppConfig.fromEnvironment(["CABILDO_LOG_FORMAT": "json", "CABILDO_METRICS_ALLOW": "10.0.0.0/8,::1"])
        #expect(good?.logFormat == .json && good?.metricsAllowed.contains("10.1.2.3") == true)
    }
}
