import Foundation

extension JobEngine {
    /// This engine as `/health` lists it: host, process, what it runs and how busy it is.
    func presence(startedAt: Double, now: Double = Date().timeIntervalSince1970) -> WorkerRegistry.Worker {
        var kinds: [String] = []
        if settings.runsRenderJobs { kinds.append("render") }
        if settings.runsGenerationJobs { kinds.append("generate") }
        return WorkerRegistry.Worker(
            id: owner, host: ProcessInfo.processInfo.hostName, pid: Int(getpid()), kinds: kinds.joined(separator: ","),
            concurrency: workerCount, busy: busyWorkers, startedAt: startedAt, seenAt: now)
    }

    /// Renews this engine's row in the store on every heartbeat until cancelled, then
    /// removes it: API nodes learn which workers are alive without talking to them.
    func announcePresence(in registry: WorkerRegistry) async {
        let startedAt = Date().timeIntervalSince1970
        while !Task.isCancelled {
            do {
                try await registry.beat(presence(startedAt: startedAt))
            } catch {
                logger.warning("could not record this worker in the store", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(settings.heartbeatSeconds))
        }
        try? await registry.remove(owner)
    }
}
