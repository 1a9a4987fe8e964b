//! The service's Prometheus series. Names carry the `sample_app_` prefix so that the Grafana
//! dashboard in the chart selects them without colliding with other workloads; the `process_`
//! series are the standard ones the dashboard's memory panel reads.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

const REQUESTS: &str = "sample_app_http_requests_total";
const DURATION: &str = "sample_app_http_request_duration_seconds";
const IN_FLIGHT: &str = "sample_app_http_requests_in_flight";
const CREATED: &str = "sample_app_entries_created_total";
const BUILD_INFO: &str = "sample_app_build_info";

/// Every `sample_app_` series as it is named in the exposition. These constants are the only
/// place the names are written: the chart's dashboard test (`tests/conformance/chart`) reads
/// them from this file and requires every panel to query one of them and each to be shown.
pub const SERIES: [&str; 5] = [REQUESTS, DURATION, IN_FLIGHT, CREATED, BUILD_INFO];

/// The name to register a counter under: the client library appends `_total` itself.
fn counter(name: &'static str) -> &'static str {
    name.strip_suffix("_total").unwrap_or(name)
}

/// Latency buckets in seconds, from half a millisecond to five seconds.
const DURATION_BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Labels of the per-request series: the route pattern (bounded), the method and the status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The HTTP method, or `other` for methods the service does not know.
    pub method: &'static str,
    /// The route pattern, or `unmatched`.
    pub route: &'static str,
    /// The response status code.
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
    rustversion: &'static str,
}

type HistogramFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS)
}

/// Every series the service exports, registered on one registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// `sample_app_http_requests_total`.
    pub requests: Family<RequestLabels, Counter>,
    /// `sample_app_http_request_duration_seconds`.
    pub duration: HistogramFamily,
    /// `sample_app_http_requests_in_flight`.
    pub in_flight: Gauge,
    /// `sample_app_entries_created_total`.
    pub created: Counter,
    process: ProcessGauges,
}

#[derive(Debug, Default)]
struct ProcessGauges {
    resident: Gauge,
    virtual_memory: Gauge,
    open_fds: Gauge,
    threads: Gauge,
    cpu_seconds: Gauge<f64, AtomicU64>,
    start_time: Gauge<f64, AtomicU64>,
}

impl Metrics {
    /// Registers the service's series and build info for `version`.
    #[must_use]
    pub fn new(version: &str) -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            counter(REQUESTS),
            "HTTP requests served, by route pattern, method and status code",
            requests.clone(),
        );
        let duration: HistogramFamily = Family::new_with_constructor(duration_histogram);
        registry.register(
            DURATION,
            "Time to serve an HTTP request, by route pattern, method and status code",
            duration.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            IN_FLIGHT,
            "HTTP requests being served now",
            in_flight.clone(),
        );
        let created = Counter::default();
        registry.register(
            counter(CREATED),
            "Entries stored through POST /api/entries",
            created.clone(),
        );
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: version.to_owned(),
                rustversion: crate::RUST_VERSION,
            })
            .set(1);
        registry.register(
            BUILD_INFO,
            "Always 1; the labels say which build is running",
            build,
        );

        let process = ProcessGauges::default();
        registry.register(
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
            process.resident.clone(),
        );
        registry.register(
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes",
            process.virtual_memory.clone(),
        );
        registry.register(
            "process_open_fds",
            "Number of open file descriptors",
            process.open_fds.clone(),
        );
        registry.register(
            "process_threads",
            "Number of OS threads",
            process.threads.clone(),
        );
        registry.register(
            "process_cpu_seconds_total",
            "Total user and system CPU time spent in seconds",
            process.cpu_seconds.clone(),
        );
        registry.register(
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch in seconds",
            process.start_time.clone(),
        );
        Self {
            registry,
            requests,
            duration,
            in_flight,
            created,
            process,
        }
    }

    /// The exposition in the `OpenMetrics` text format, with the process series read now.
    #[must_use]
    pub fn encode(&self) -> String {
        self.process.refresh();
        let mut out = String::with_capacity(8 << 10);
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Linux reports CPU time in clock ticks of 1/100 s (`USER_HZ`) on every architecture we ship.
const TICKS_PER_SECOND: f64 = 100.0;

impl ProcessGauges {
    fn refresh(&self) {
        if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
            for line in status.lines() {
                let mut words = line.split_whitespace();
                let (Some(key), Some(value)) = (
                    words.next(),
                    words.next().and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    continue;
                };
                match key {
                    "VmRSS:" => drop(self.resident.set(value.saturating_mul(1024))),
                    "VmSize:" => drop(self.virtual_memory.set(value.saturating_mul(1024))),
                    "Threads:" => drop(self.threads.set(value)),
                    _ => {}
                }
            }
        }
        if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
            self.open_fds
                .set(i64::try_from(fds.count()).unwrap_or(i64::MAX));
        }
        // Fields after the command name, which is in parentheses and may contain spaces.
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let field = |n: usize| fields.get(n).and_then(|v| v.parse::<f64>().ok());
        // utime, stime and starttime are fields 14, 15 and 22 of proc(5); `fields` starts at 3.
        if let (Some(user), Some(system)) = (field(11), field(12)) {
            self.cpu_seconds.set((user + system) / TICKS_PER_SECOND);
        }
        let boot_time = std::fs::read_to_string("/proc/stat").ok().and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("btime ")
                    .and_then(|v| v.trim().parse::<f64>().ok())
            })
        });
        if let (Some(boot), Some(start)) = (boot_time, field(19)) {
            self.start_time.set(boot + start / TICKS_PER_SECOND);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list the dashboard test reads is exactly what the exposition carries.
    #[test]
    fn series_lists_every_exported_sample_app_series() {
        let metrics = Metrics::new("v1");
        metrics
            .requests
            .get_or_create(&RequestLabels {
                method: "GET",
                route: "/",
                status: 200,
            })
            .inc();
        metrics
            .duration
            .get_or_create(&RequestLabels {
                method: "GET",
                route: "/",
                status: 200,
            })
            .observe(0.1);
        let text = metrics.encode();
        let mut exported: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("sample_app_"))
            .filter_map(|l| l.split(['{', ' ']).next())
            .map(|name| {
                ["_bucket", "_count", "_sum", "_created"]
                    .iter()
                    .fold(name, |n, s| n.strip_suffix(s).unwrap_or(n))
            })
            .collect();
        exported.sort_unstable();
        exported.dedup();
        let mut listed = SERIES.to_vec();
        listed.sort_unstable();
        assert_eq!(exported, listed, "{text}");
    }
}
