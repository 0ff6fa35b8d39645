import DocketCore
import Foundation

/// The console's loop: keys go to the reducer, the effects it asks for run
/// on a worker off the key loop, and their results come back as actions.
/// A slow store call never delays a key: the screen says "loading…" and
/// keeps answering.
public final class EventLoop {
    let backend: any Backend
    let runner: EffectRunner
    /// One effect at a time, in the order asked: a page loads after the
    /// query that asked for it.
    private let worker = DispatchQueue(label: "docket.console.effects")
    /// Plans read and check a whole selection (seconds for a million
    /// orders): they run apart, so pages and searches never wait behind
    /// one, and a plan asked for before a newer one is dropped unrun.
    private let planWorker = DispatchQueue(label: "docket.console.plans")
    private let plans = PlanGeneration()
    private let inbox = Inbox()
    private var pending = 0
    /// `kind` and how long a key took until its frame, with every effect it
    /// caused back, was on screen; "first" for the first full frame.
    public var frameLog: ((String, Duration) -> Void)?
    /// While no key comes: how often screens that follow other processes
    /// read the store again.
    public var tickEvery: (AppState) -> Duration = { $0.screen == .batch || $0.sending > 0 ? .milliseconds(500) : .seconds(2) }
    /// With a store that says when it changes, the screens follow its word
    /// and poll only now and then, in case a word was lost.
    public var tickWhenNotified: Duration = .seconds(30)
    private let changed = ChangeFlag()

    public init(backend: any Backend, runner: EffectRunner) {
        self.backend = backend
        self.runner = runner
    }

    /// Runs until the user quits, `stop()` says so, or a test backend's
    /// script ran out and every effect came back. Returns the last state.
    @discardableResult
    public func run(_ initial: AppState, stop: () -> Bool = { false }) -> AppState {
        let began = ContinuousClock.now
        var state = initial
        state.targets = runner.composer?.targets ?? []
        runner.sync(&state)
        state.readOnly = (runner.store as? any DocketStore)?.isReadOnly ?? false
        dispatch(Reducer.start(&state))
        var waiting: (kind: String, since: ContinuousClock.Instant)? = ("first", began)
        var idleSince = ContinuousClock.now
        var lastTick = Duration.zero
        var sendingBefore = state.sending
        let flag = changed
        let watch = (runner.store as? any ChangeNotifying)?.watchChanges { flag.set() }
        defer { watch?.stop() }
        backend.draw(Render.draw(state))
        while !state.quit && !stop() {
            // A plan runs for Compose only: once it is left, the plan stops.
            if state.screen != .compose { plans.abandon() }
            var changed = false
            for action in inbox.take() {
                pending -= 1
                runner.sync(&state)
                dispatch(Reducer.reduce(&state, action))
                changed = true
            }
            if changed { backend.draw(Render.draw(state)) }
            if pending == 0, let w = waiting {
                frameLog?(w.kind, ContinuousClock.now - w.since)
                waiting = nil
            }
            if backend.finished && pending == 0 { break }
            // A store that notifies is heard within a few hundredths of a
            // second (the flag is looked at between keys).
            if let key = backend.readKey(timeout: pending > 0 ? 1 : (watch == nil ? 100 : 25), idle: pending == 0) {
                let start = ContinuousClock.now
                let kind = Self.kind(of: key, in: state)
                let asking = state.confirmSend
                runner.sync(&state)
                dispatch(Reducer.reduce(&state, .key(key)))
                backend.draw(Render.draw(state))
                // Keys typed ahead of a question never answer it.
                if state.confirmSend && !asking { backend.dropTypedAhead() }
                if waiting == nil || pending == 0 { waiting = (kind, start) }
                idleSince = ContinuousClock.now
                continue
            }
            let sending = runner.composer?.sending ?? 0
            // A batch sent from here just finished, or another process wrote
            // to the store: the screens show it now, not at the next tick.
            let finished = sending < sendingBefore
            sendingBefore = sending
            let every = watch == nil ? tickEvery(state) : tickWhenNotified
            if pending == 0, finished || flag.take() || ContinuousClock.now - idleSince > max(every, lastTick * 20) {
                // Other docket processes may have written to the store. A
                // slow reload (a filter no index serves, on a million orders)
                // comes less often, so keys stay quick.
                let start = ContinuousClock.now
                runner.sync(&state)
                dispatch(Reducer.reduce(&state, .tick))
                backend.draw(Render.draw(state))
                lastTick = ContinuousClock.now - start
                idleSince = ContinuousClock.now
            }
        }
        // Let running effects finish before the store goes away.
        worker.sync {}
        planWorker.sync {}
        return state
    }

    func dispatch(_ effects: [Effect]) {
        for effect in effects {
            pending += 1
            let runner = self.runner
            let inbox = self.inbox
            if case .plan = effect {
                let plans = self.plans
                let generation = plans.next()
                planWorker.async {
                    inbox.put(plans.isLatest(generation) ? runner.run(effect, stillWanted: { plans.isLatest(generation) }) : .dropped)
                }
            } else {
                worker.async { inbox.put(runner.run(effect)) }
            }
        }
    }

    static func kind(of key: Key, in state: AppState) -> String {
        if state.prompt != nil { return key == .enter ? "search" : "typing" }
        switch key {
        case .up, .down, .char("j"), .char("k"): return "scroll"
        case .pageUp, .pageDown: return "page"
        case .home, .end, .char("g"), .char("G"): return "jump"
        default: return "other"
        }
    }
}

/// Counts the plans asked for, so one overtaken before it ran is dropped.
final class PlanGeneration: @unchecked Sendable {
    private let lock = NSLock()
    private var latest = 0
    func next() -> Int { lock.withLock { latest += 1; return latest } }
    func isLatest(_ generation: Int) -> Bool { lock.withLock { latest == generation } }
    /// No plan asked for so far is wanted any more.
    func abandon() { _ = next() }
}

/// Set by a store's change watch, taken by the loop.
final class ChangeFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let was = value
        value = false
        return was
    }
}

/// Results of effects, handed from the worker to the loop.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var actions: [Action] = []

    func put(_ action: Action) {
        lock.lock()
        actions.append(action)
        lock.unlock()
    }

    func take() -> [Action] {
        lock.lock()
        defer { lock.unlock() }
        let out = actions
        actions = []
        return out
    }
}
