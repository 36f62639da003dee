import CabildoCore
import CabildoStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Opens the database `config.databasePath` names (a SQLite file or a `postgres://` URL) and
/// builds the server over it; the database is let go when the server stops.
public func buildApplication(config: AppConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let opened = try await StoreLocation(config.databasePath).open(searchLimits: config.searchLimits,
                                                                   connections: config.databaseConnections)
    do {
        return try await buildApplication(config: config, store: opened.store, logger: logger, closingStore: opened.close)
    } catch {
        await opened.close()
        throw error
    }
}

/// The server over an open store: seeds the six boards into an empty one, starts the password
/// hashing threads, the session sweeper and, with e-mail on, the mail delivery worker (services of
/// the application, stopped with it), and builds the routes and the connection limits. Tests pass
/// a fresh store and keep it to look inside.
public func buildApplication(
    config: AppConfig, store: any ForumStore, logger: Logger, closingStore: (@Sendable () async -> Void)? = nil,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
    let passwords = try PasswordService(hasher: config.passwordHasher, threads: config.hashingThreads)
    if !config.rateLimits.enabled {
        logger.warning("rate limits are off (CABILDO_RATE_LIMITS=off): only for benchmarks and test servers")
    }
    let metrics = ForumMetrics()
    let wakeup = MailWakeup()
    let router = try await buildRouter(config: config, store: store, passwords: passwords, metrics: metrics, mailWakeup: wakeup)
    logger.info("connection limits", metadata: [
        "idle_s": "\(config.connections.idleTimeout)", "header_s": "\(config.connections.headerTimeout)",
        "body_s": "\(config.connections.bodyTimeout)", "per_address": "\(config.connections.perAddress)",
        "total": "\(config.connections.total)",
    ])
    let sweeper = SessionSweeper(store: store, idleLimit: config.sessionIdleLimit, absoluteLimit: config.sessionAbsoluteLimit,
                                 clock: config.clock, logger: logger)
    var services: [any Service] = (closingStore.map { [StoreCloser(close: $0)] } ?? []) + [passwords, sweeper]
    if let worker = try await MailDeliveryWorker(config: config, store: store, metrics: metrics, wakeup: wakeup, logger: logger) {
        services.append(worker)
        store.useNotificationMail(NotificationMailSchedule(delay: config.mailDelay, timeZone: config.timeZone))
    } else {
        store.useNotificationMail(nil)
    }
    return makeApplication(router: router, config: config, services: services, logger: logger, onServerRunning: onServerRunning)
}

/// The one route table, and the middleware every request passes through, outermost first.
func buildRouter(config: AppConfig, store: any ForumStore, passwords: PasswordService, metrics: ForumMetrics = ForumMetrics(),
                 mailWakeup: MailWakeup = MailWakeup()) async throws -> HeadAsGet<Router<AppRequestContext>> {
    var renderer = try await Renderer.load(directory: config.templatesDirectory, timeZone: config.timeZone, audit: config.templateKeyAudit,
                                           origin: config.baseURL)
    let assets = try StaticAssets.load(directory: config.publicDirectory)
    renderer.stylesheet = assets.path(of: SiteURL.stylesheetName)
    let cookies = CookieJar(secure: config.isHTTPS, sessionLifetime: Int(config.sessionAbsoluteLimit))
    let serverKey = try await store.serverKey()
    let csrf = CSRFTokens(key: serverKey)
    let trustedHosts = Set([config.baseURL].compactMap { $0 }.compactMap { URL(string: $0)?.host.map { host in
        URL(string: config.baseURL!)?.port.map { "\(host):\($0)" } ?? host
    } })

    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: metrics))
    router.add(middleware: SecurityHeadersMiddleware(https: config.isHTTPS))
    router.add(middleware: StaticAssetMiddleware(assets: assets))
    router.add(middleware: SessionMiddleware(store: store, sessions: SessionCache(store: store), cookies: cookies, csrf: csrf,
                                             idleLimit: config.sessionIdleLimit, absoluteLimit: config.sessionAbsoluteLimit,
                                             twoFactorRule: config.requireTwoFactor, clock: config.clock))
    router.add(middleware: ErrorPageMiddleware(renderer: renderer))
    let limits = RateLimits(settings: config.rateLimits, store: store, metrics: metrics)
    router.add(middleware: RequestLimitMiddleware(limits: limits))
    router.add(middleware: FormGuardMiddleware(bodyLimit: config.formBodyLimit, trustedHosts: trustedHosts, requireHTTPS: config.isHTTPS))

    let pages = PageCache(store: store, budget: config.pageCacheBytes, metrics: metrics)
    HomeController(store: store, renderer: renderer, pages: pages).addRoutes(to: router)
    PrivacyController(renderer: renderer, pages: pages, sessionIdleLimit: config.sessionIdleLimit,
                      sessionAbsoluteLimit: config.sessionAbsoluteLimit).addRoutes(to: router)
    let markdown = MarkdownRenderer()
    let publisher = PostPublisher(store: store, limits: limits, markdown: markdown, metrics: metrics, holdFirstPosts: config.holdFirstPosts)
    BoardController(store: store, renderer: renderer, pages: pages, threadsPerPage: config.threadsPerPage, publisher: publisher)
        .addRoutes(to: router)
    FeedController(store: store, renderer: renderer, baseURL: config.baseURL).addRoutes(to: router)
    CalendarController(store: store, renderer: renderer, baseURL: config.baseURL).addRoutes(to: router)
    ThreadController(store: store, renderer: renderer, pages: pages, maxDepth: config.maxReplyDepth, publisher: publisher)
        .addRoutes(to: router)
    PostController(store: store, renderer: renderer, publisher: publisher).addRoutes(to: router)
    AccountController(store: store, renderer: renderer, passwords: passwords, cookies: cookies, limits: limits, metrics: metrics,
                      devices: DeviceCookies(key: serverKey, secure: config.isHTTPS)).addRoutes(to: router)
    SettingsController(store: store, renderer: renderer, pages: pages, passwords: passwords, cookies: cookies, limits: limits).addRoutes(to: router)
    SessionsController(store: store, renderer: renderer).addRoutes(to: router)
    EmailSettingsController(store: store, renderer: renderer, limits: limits, mailOn: config.mail != nil, wakeup: mailWakeup)
        .addRoutes(to: router)
    PasswordResetController(store: store, renderer: renderer, passwords: passwords, cookies: cookies, limits: limits,
                            mailOn: config.mail != nil, wakeup: mailWakeup).addRoutes(to: router)
    UnsubscribeController(store: store, renderer: renderer, links: UnsubscribeLinks(key: serverKey)).addRoutes(to: router)
    let secondFactor = SecondFactorCheck(store: store)
    TwoFactorController(store: store, renderer: renderer, secondFactor: secondFactor).addRoutes(to: router)
    LoginCodeController(store: store, renderer: renderer, cookies: cookies, secondFactor: secondFactor).addRoutes(to: router)
    CloseAccountController(store: store, renderer: renderer, passwords: passwords, cookies: cookies, limits: limits,
                           secondFactor: secondFactor).addRoutes(to: router)
    UserController(store: store, renderer: renderer).addRoutes(to: router)
    NotificationsController(store: store, renderer: renderer, pages: pages).addRoutes(to: router)
    WatchController(store: store).addRoutes(to: router)
    AppealController(store: store).addRoutes(to: router)
    // Search pages get a quarter of the page budget again, apart (`SearchController.pages`).
    SearchController(store: store, renderer: renderer, limits: limits,
                     pages: PageCache(store: store, budget: config.pageCacheBytes / 4, metrics: metrics)).addRoutes(to: router)
    FlagController(store: store, renderer: renderer, limits: limits, autoHide: config.autoHide).addRoutes(to: router)
    ModerationController(store: store, renderer: renderer).addRoutes(to: router)
    AdminController(store: store, renderer: renderer).addRoutes(to: router)
    ModerationLogController(store: store, renderer: renderer).addRoutes(to: router)
    ProposalController(store: store, renderer: renderer, markdown: markdown).addRoutes(to: router)
    ConclusionsController(store: store, renderer: renderer, markdown: markdown).addRoutes(to: router)
    MetricsController(store: store, metrics: metrics, allowed: config.metricsAllowed).addRoutes(to: router)
    HarvestController(renderer: renderer, cache: HarvestCache(store: store), baseURL: config.baseURL, store: store, markdownRenderer: markdown)
        .addRoutes(to: router)
    return HeadAsGet(router: router)
}
