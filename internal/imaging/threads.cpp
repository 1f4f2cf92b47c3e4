#include <opencv2/core.hpp>

extern "C" void facetriage_cv_set_threads(int n) { cv::setNumThreads(n); }
