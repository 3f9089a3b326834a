// hnswlib compiled here, for bin/bench-ann: the same protocol as peers.py (fvecs in, ivecs and results.tsv out), so
// the Java side scores it with the same recall code. Built by the benchmark with g++ -O3 -march=native against the
// headers of Debian's libhnswlib-dev, which is what a C++ user of hnswlib gets: the Python wheel's build flags are not
// the machine's, so both are measured side by side.
//
// results.tsv lines (tab-separated):
//   build  <engine>  <seconds>  <rss delta bytes>  <process CPU seconds>
//   point  <engine>  <ef>  <queries/s, best of rounds>  <ids file>  <queries per CPU second of the searching thread>
// The CPU times leave out time spent waiting for a core, so they stay readable on a shared machine.
// Searches run one query at a time on one thread; builds use --threads threads (hnswlib's addPoint is thread-safe).
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Matrix {
    size_t rows = 0;
    size_t dim = 0;
    std::vector<float> values;
    const float* row(size_t i) const { return values.data() + i * dim; }
};

Matrix readFvecs(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    Matrix m;
    int32_t dim = 0;
    while (in.read(reinterpret_cast<char*>(&dim), sizeof dim)) {
        if (dim <= 0) throw std::runtime_error("bad dimension in " + path);
        if (m.dim == 0) m.dim = static_cast<size_t>(dim);
        if (static_cast<size_t>(dim) != m.dim) throw std::runtime_error("mixed dimensions in " + path);
        size_t at = m.values.size();
        m.values.resize(at + m.dim);
        if (!in.read(reinterpret_cast<char*>(m.values.data() + at), static_cast<std::streamsize>(m.dim * 4)))
            throw std::runtime_error("truncated " + path);
        m.rows++;
    }
    return m;
}

void writeIvecs(const std::string& path, const std::vector<std::vector<int32_t>>& ids) {
    std::string partial = path + ".partial";
    {
        std::ofstream out(partial, std::ios::binary);
        for (const auto& row : ids) {
            int32_t k = static_cast<int32_t>(row.size());
            out.write(reinterpret_cast<const char*>(&k), sizeof k);
            out.write(reinterpret_cast<const char*>(row.data()), static_cast<std::streamsize>(row.size() * 4));
        }
        if (!out) throw std::runtime_error("cannot write " + partial);
    }
    if (std::rename(partial.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + partial);
}

long rssBytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6) * 1024L;
    }
    return -1;
}

void normalise(Matrix& m) {
    for (size_t i = 0; i < m.rows; i++) {
        float* v = m.values.data() + i * m.dim;
        double sum = 0;
        for (size_t d = 0; d < m.dim; d++) sum += static_cast<double>(v[d]) * v[d];
        float norm = static_cast<float>(std::max(std::sqrt(sum), 1e-30));
        for (size_t d = 0; d < m.dim; d++) v[d] /= norm;
    }
}

std::vector<int> parseList(const std::string& text) {
    std::vector<int> values;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) values.push_back(std::stoi(item));
    return values;
}

double cpuSeconds(clockid_t clock) {
    timespec now{};
    clock_gettime(clock, &now);
    return static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9;
}

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args = {{"--k", "10"}, {"--m", "16"}, {"--ef-construction", "100"},
        {"--ef", "10,16,32,64,128"}, {"--threads", "1"}, {"--rounds", "1"}, {"--min-seconds", "0.3"},
        {"--seed", "42"}, {"--engine", "hnswlib C++"}};
    for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
    for (const char* required : {"--base", "--queries", "--metric", "--out"}) {
        if (!args.count(required)) {
            std::fprintf(stderr, "hnswlib_peer: %s is required\n", required);
            return 2;
        }
    }
    try {
        Matrix base = readFvecs(args["--base"]);
        Matrix queries = readFvecs(args["--queries"]);
        bool cosine = args["--metric"] == "COSINE";
        if (cosine) {  // hnswlib's Python "cosine" space does exactly this: unit vectors, inner product
            normalise(base);
            normalise(queries);
        }
        size_t k = std::stoul(args["--k"]);
        int threads = std::max(1, std::stoi(args["--threads"]));
        int rounds = std::max(1, std::stoi(args["--rounds"]));
        double minSeconds = std::stod(args["--min-seconds"]);
        std::string engine = args["--engine"];
        std::unique_ptr<hnswlib::SpaceInterface<float>> space;
        if (cosine) {
            space = std::make_unique<hnswlib::InnerProductSpace>(base.dim);
        } else {
            space = std::make_unique<hnswlib::L2Space>(base.dim);
        }

        long rssBefore = rssBytes();
        auto buildStart = std::chrono::steady_clock::now();
        double buildCpuStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
        hnswlib::HierarchicalNSW<float> index(space.get(), base.rows, std::stoul(args["--m"]),
                                              std::stoul(args["--ef-construction"]),
                                              std::stoul(args["--seed"]));
        std::atomic<size_t> next{0};
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; t++) {
            workers.emplace_back([&] {
                for (size_t i = next++; i < base.rows; i = next++) index.addPoint(base.row(i), i);
            });
        }
        for (auto& worker : workers) worker.join();
        double buildSeconds = seconds(buildStart);
        double buildCpu = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - buildCpuStart;
        long rssDelta = rssBytes() - rssBefore;

        std::string out = args["--out"];
        std::ofstream results(out + "/results.tsv");
        results << "build\t" << engine << "\t" << buildSeconds << "\t" << rssDelta << "\t" << buildCpu << "\n"
                << std::flush;
        std::fprintf(stderr, "hnswlib_peer: %s built %zu x %zu in %.1f s, RSS +%.1f MiB\n", engine.c_str(),
                     base.rows, base.dim, buildSeconds, rssDelta / 1048576.0);

        std::vector<int> efs = parseList(args["--ef"]);
        auto searchAll = [&](int ef) {
            index.setEf(std::max<size_t>(static_cast<size_t>(ef), k));
            std::vector<std::vector<int32_t>> ids(queries.rows);
            for (size_t q = 0; q < queries.rows; q++) {
                auto found = index.searchKnn(queries.row(q), k);  // farthest on top
                std::vector<int32_t>& row = ids[q];
                row.resize(found.size());
                for (size_t j = found.size(); j-- > 0;) {
                    row[j] = static_cast<int32_t>(found.top().second);
                    found.pop();
                }
                row.resize(k, -1);
            }
            return ids;
        };
        for (int ef : efs) searchAll(ef);  // warm-up pass, untimed
        std::map<int, double> best;
        std::map<int, double> bestCpu;
        std::map<int, std::vector<std::vector<int32_t>>> answers;
        for (int round = 0; round < rounds; round++) {
            for (int ef : efs) {
                auto start = std::chrono::steady_clock::now();
                double cpuStart = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
                auto ids = searchAll(ef);
                long passes = 1;
                while (seconds(start) < minSeconds) {
                    searchAll(ef);
                    passes++;
                }
                double qps = passes * static_cast<double>(queries.rows) / seconds(start);
                best[ef] = std::max(best[ef], qps);
                double cpuUsed = cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - cpuStart;
                double cpuQps = passes * static_cast<double>(queries.rows) / cpuUsed;
                bestCpu[ef] = std::max(bestCpu[ef], cpuQps);
                answers.emplace(ef, std::move(ids));
            }
        }
        std::string fileEngine = engine;
        std::replace(fileEngine.begin(), fileEngine.end(), ' ', '_');
        std::replace(fileEngine.begin(), fileEngine.end(), '/', '_');
        for (int ef : efs) {
            std::string name = fileEngine + "-" + std::to_string(ef) + ".ivecs";
            writeIvecs(out + "/" + name, answers[ef]);
            results << "point\t" << engine << "\t" << ef << "\t" << best[ef] << "\t" << name << "\t"
                    << bestCpu[ef] << "\n" << std::flush;
            std::fprintf(stderr, "hnswlib_peer: ef %d: %.0f q/s\n", ef, best[ef]);
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hnswlib_peer: %s\n", e.what());
        return 1;
    }
}
