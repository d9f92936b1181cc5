#include "parcours/event_bus.h"

#include <boost/asio/post.hpp>

namespace parcours {

EventBus::EventBus(boost::asio::io_context& io, std::shared_ptr<spdlog::logger> log)
    : io_(io), log_(std::move(log)) {}

void EventBus::Subscribe(std::string name, Handler handler) {
  std::lock_guard lock(mu_);
  subscribers_.push_back(std::make_shared<const Subscriber>(Subscriber{std::move(name), std::move(handler)}));
}

void EventBus::Publish(const Event& event) {
  std::vector<std::shared_ptr<const Subscriber>> targets;
  {
    std::lock_guard lock(mu_);
    targets = subscribers_;
  }
  if (targets.empty()) return;  // no copy of the event for nobody
  auto shared_event = std::make_shared<const Event>(event);
  for (auto& sub : targets) {
    boost::asio::post(io_, [sub, shared_event, log = log_] {
      try {
        sub->handler(*shared_event);
      } catch (const std::exception& ex) {
        if (log) log->error("subscriber {} failed on {} #{}: {}", sub->name, shared_event->pathway,
                            shared_event->seq, ex.what());
      } catch (...) {
        if (log) log->error("subscriber {} failed on {} #{}", sub->name, shared_event->pathway,
                            shared_event->seq);
      }
    });
  }
}

}  // namespace parcours
