// Durable subscribers: each reads the commit log (every committed pathway
// event, numbered in commit order by the Committer) from its own cursor, kept
// in the store, so that after a crash it resumes where it stopped and sees
// every event at least once, in order. The engine's own after-commit plugin
// actions are one of them.
#include "core/engine_impl.h"

namespace parcours {

namespace {

constexpr std::size_t kDeliveryPage = 256;
constexpr const char* kAfterCommit = "after_commit";

bool IsSubscriberName(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

Status Engine::AddSubscriber(const std::string& name, std::function<Status(const Event&)> handler,
                             bool from_start) {
  return impl_->Subscribe(name, std::move(handler), from_start, nullptr);
}

Status Engine::Impl::Subscribe(const std::string& name, std::function<Status(const Event&)> handler,
                               bool from_start, std::function<bool()> idle) {
  if (!IsSubscriberName(name)) {
    return Status::Refused("subscriber name " + Quoted(name) + " is not valid",
                           "Use 1 to 64 of a-z, 0-9, '.', '_' and '-'.");
  }
  auto s = std::make_shared<Subscription>();
  s->name = name;
  s->handler = std::move(handler);
  s->idle = std::move(idle);
  {
    std::lock_guard lock(subscriptions_mu);
    for (const auto& other : subscriptions) {
      if (other->name == name) return Status::Refused("subscriber " + Quoted(name) + " is already added");
    }
    subscriptions.push_back(s);
  }
  if (!committer) return Status::Ok();
  PARCOURS_ASSIGN_OR_RETURN(auto cursor, store.Get(Domain::kMeta, keys::Cursor(name)));
  if (!cursor && !from_start) {
    // Starts after the events committed so far.
    PARCOURS_ASSIGN_OR_RETURN(auto head, store.Get(Domain::kMeta, keys::LogHead()));
    WriteBatch batch;
    batch.Put(Domain::kMeta, keys::Cursor(name), head.value_or(keys::LogNumber(0)));
    PARCOURS_RETURN_IF_ERROR(store.Write(batch, WriteOptions{false}));
  }
  // Events committed before (by an earlier process too) that it has not
  // handled yet.
  WakeSubscribers();
  return Status::Ok();
}

Engine::CommitStats Engine::commit_stats() const {
  if (!impl_->committer) return {};
  const auto s = impl_->committer->stats();
  return {s.batches, s.committed, s.conflicts};
}

void Engine::Impl::WakeSubscribers() {
  std::vector<std::shared_ptr<Subscription>> all;
  {
    std::lock_guard lock(subscriptions_mu);
    all = subscriptions;
  }
  for (auto& s : all) {
    if (s->scheduled.exchange(true)) continue;
    boost::asio::post(io, [this, s, engine = std::weak_ptr<int>(alive)] {
      s->scheduled = false;  // before the pass reads: a commit from here on posts another
      if (engine.lock()) Deliver(*s);
    });
  }
}

void Engine::Impl::Deliver(Subscription& s) {
  std::lock_guard running(s.running);
  auto fail = [&](const Status& status) {
    if (log) log->error("subscriber {} stopped: {}", s.name, status.message());
  };
  uint64_t cursor = 0;
  auto stored = store.Get(Domain::kMeta, keys::Cursor(s.name));
  if (!stored.ok()) return fail(stored.status());
  if (*stored && !keys::ParseLogNumber(**stored, cursor)) {
    return fail(Status::Corruption("the cursor of subscriber " + s.name + " does not decode"));
  }
  if (s.idle) {
    // The head is read first: the events up to it were committed before the
    // subscriber said it had nothing to do for them.
    auto head = store.Get(Domain::kMeta, keys::LogHead());
    if (!head.ok()) return fail(head.status());
    if (s.idle()) {
      if (*head && **head != keys::LogNumber(cursor)) {
        WriteBatch batch;
        batch.Put(Domain::kMeta, keys::Cursor(s.name), **head);
        if (Status w = store.Write(batch, WriteOptions{false}); !w.ok()) return fail(w);
      }
      return;
    }
  }
  for (;;) {
    std::vector<std::pair<uint64_t, std::string>> page;
    Status scan = store.ScanRange(Domain::kIndexes, keys::Log(cursor + 1), keys::LogEnd(),
                                  [&](std::string_view k, std::string_view v) {
                                    uint64_t n = 0;
                                    keys::ParseLogNumber(k.substr(keys::LogPrefix().size()), n);
                                    page.emplace_back(n, std::string(v));
                                    return page.size() < kDeliveryPage;
                                  });
    if (!scan.ok()) return fail(scan);
    if (page.empty()) return;
    uint64_t handled = cursor;
    Status status;
    for (const auto& [n, event_key] : page) {
      auto raw = store.Get(Domain::kEvents, event_key);
      if (!raw.ok() || !*raw) {
        status = raw.ok() ? Status::Corruption("the commit log names a missing event") : raw.status();
        break;
      }
      auto event = codec::DecodeEvent(**raw);
      if (!event.ok()) {
        status = event.status();
        break;
      }
      status = s.handler(*event);
      if (!status.ok()) break;
      handled = n;
    }
    if (handled != cursor) {
      // Unsynced: after a crash the cursor may be behind, and the events
      // after it are delivered again (at least once).
      WriteBatch batch;
      batch.Put(Domain::kMeta, keys::Cursor(s.name), keys::LogNumber(handled));
      if (Status w = store.Write(batch, WriteOptions{false}); !w.ok()) return fail(w);
      cursor = handled;
    }
    if (!status.ok()) return fail(status);
  }
}

Status Engine::Impl::RunAfterCommitActions(const Event& event) {
  if (event.kind != EventKind::kEnroll && event.kind != EventKind::kTransition &&
      event.kind != EventKind::kMilestone) {
    return Status::Ok();
  }
  PARCOURS_ASSIGN_OR_RETURN(auto programme, ProgrammeOf(event.pathway));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(store, programme.first, programme.second));
  const std::vector<std::string>* actions = nullptr;
  if (event.kind == EventKind::kEnroll) actions = &wf->enrolment_rules.notify;
  if (const Transition* t = event.kind == EventKind::kTransition ? wf->find_transition(event.action) : nullptr)
    actions = &t->rules.notify;
  if (const Milestone* m = event.kind == EventKind::kMilestone ? wf->find_milestone(event.action) : nullptr)
    actions = &m->rules.notify;
  if (!actions || actions->empty()) return Status::Ok();
  Json input = event.ToJson();
  input["programme"] = programme.first;
  const PluginRegistry::ReaderScope reads(pathway_reader);  // the plugin reads this engine's store
  for (const auto& name : *actions) {
    // An action's own failure is logged, not retried: the event is stored
    // whatever the action does (docs/plugins.md).
    Status s = plugins ? plugins->RunAfterCommit(name, input)
                       : Status::Refused("action " + name + " is not available: no plugin is loaded");
    if (!s.ok() && log) log->error("after {} #{}: {}", event.pathway, event.seq, s.message());
  }
  return Status::Ok();
}

bool Engine::Impl::AnyNotifyAction() {
  int known = notify_actions.load();
  if (known >= 0) return known == 1;
  // Unknown (at start, or after an install): look at every installed version.
  // An error reads as "some": the events are then read and handled as usual.
  bool any = false;
  auto programmes = ProgrammesAt(store);
  if (!programmes.ok()) return true;
  for (const auto& p : *programmes) {
    for (int v = 1; v <= p.version && !any; ++v) {
      auto wf = WorkflowAt(store, p.id, v);
      if (!wf.ok()) return true;
      any = !(*wf)->enrolment_rules.notify.empty();
      for (const auto& t : (*wf)->transitions) any = any || !t.rules.notify.empty();
      for (const auto& m : (*wf)->milestones) any = any || !m.rules.notify.empty();
    }
  }
  notify_actions = any ? 1 : 0;
  return any;
}

Result<std::pair<std::string, int>> Engine::Impl::ProgrammeOf(const std::string& pathway) {
  {
    std::lock_guard lock(programme_of_mu);
    if (auto it = programme_of.find(pathway); it != programme_of.end()) return it->second;
  }
  PARCOURS_ASSIGN_OR_RETURN(PathwayState state, LoadState(pathway));
  std::lock_guard lock(programme_of_mu);
  if (programme_of.size() >= kMaxCachedProgrammes) programme_of.clear();
  return programme_of.emplace(pathway, std::make_pair(state.programme, state.version)).first->second;
}

// Registered by every engine: the workflow's after-commit actions run from
// the commit log, so that a crash between a commit and its actions does not
// lose them. Starts at the next event on a store that had none.
Status Engine::Impl::RegisterAfterCommitActions(Engine& engine) {
  (void)engine;
  return Subscribe(
      kAfterCommit, [this](const Event& e) { return RunAfterCommitActions(e); }, /*from_start=*/false,
      [this] { return !AnyNotifyAction(); });
}

}  // namespace parcours
