// Publishes committed events to subscribers on a Boost.Asio io_context.
//
// Publish() never runs a handler itself: each delivery is posted to the
// io_context, so handlers run where and when its owner runs it (the CLI drains
// it before exiting; a server runs it on its own threads). Events are
// delivered in commit order. A handler that throws is logged and skipped.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "parcours/event.h"

namespace parcours {

class EventBus {
 public:
  using Handler = std::function<void(const Event&)>;

  EventBus(boost::asio::io_context& io, std::shared_ptr<spdlog::logger> log);

  // `name` identifies the subscriber in logs.
  void Subscribe(std::string name, Handler handler);
  // Called by the engine after an event is durably committed.
  void Publish(const Event& event);

 private:
  struct Subscriber {
    std::string name;
    Handler handler;
  };
  boost::asio::io_context& io_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mu_;
  std::vector<std::shared_ptr<const Subscriber>> subscribers_;
};

}  // namespace parcours
