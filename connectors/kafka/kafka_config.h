#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "connectors/kafka/kafka_options.h"

namespace newsflow {

struct rd_conf_deleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using rd_conf_ptr = std::unique_ptr<rd_kafka_conf_t, rd_conf_deleter>;

// librdkafka configurations with newsflow's defaults for at-least-once delivery, then the
// user's pass-through properties on top. Properties that would break the delivery guarantee
// (enable.auto.offset.store=true) are refused. On error, `error` names the property.
rd_conf_ptr make_consumer_conf(const kafka_options& options, std::string& error);
rd_conf_ptr make_producer_conf(const kafka_options& options, std::string& error);

}  // namespace newsflow
