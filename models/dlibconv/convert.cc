#include <cstring>
#include <functional>
#include <string>
#include <vector>
#include "resnet.h"
#include "convert.h"

using namespace dlib;
using dlibconv::anet_type;

namespace {

// A parameter block of one layer, in the order the layer serialises it.
struct block {
	std::string layer;
	tensor* t;
};

char* fail(const std::string& msg) { return strdup(msg.c_str()); }

} // namespace

extern "C" char* dlibconv_write(const float* data, size_t n, const char* path) {
	try {
		anet_type net;
		// The default affine_ is FC_MODE; the trained network uses per-channel
		// (CONV_MODE) scaling after every convolution.
		visit_computational_layers(net, [](affine_& l) { l = affine_(CONV_MODE); });
		// One forward pass makes every layer allocate its parameters.
		matrix<rgb_pixel> img(150, 150);
		img = rgb_pixel(128, 128, 128);
		net(img);

		// Visiting goes from the output (index 0) to the input; collect each
		// layer's blocks, then walk the layers input-to-output.
		std::vector<std::vector<std::function<size_t(const float*, size_t)>>> layers;
		auto copy_into = [](alias_tensor_instance dst) {
			return [dst](const float* src, size_t left) mutable -> size_t {
				if (dst.size() > left) throw error("parameter data too short");
				std::memcpy(dst.host(), src, dst.size() * sizeof(float));
				return dst.size();
			};
		};
		visit_computational_layers(net, [&](auto& l) {
			using L = std::decay_t<decltype(l)>;
			std::vector<std::function<size_t(const float*, size_t)>> fs;
			if constexpr (std::is_same_v<L, affine_>) {
				fs.push_back(copy_into(l.get_gamma()));
				fs.push_back(copy_into(l.get_beta()));
			} else {
				tensor* t = &l.get_layer_params();
				if (t->size() > 0) {
					fs.push_back([t](const float* src, size_t left) -> size_t {
						if (t->size() > left) throw error("parameter data too short");
						std::memcpy(t->host(), src, t->size() * sizeof(float));
						return t->size();
					});
				}
			}
			layers.push_back(std::move(fs));
		});
		size_t off = 0;
		for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
			for (auto& f : *it) off += f(data + off, n - off);
		}
		if (off != n) {
			return fail("parameter count mismatch: network has " + std::to_string(off) +
			            " parameters, input has " + std::to_string(n));
		}
		serialize(std::string(path)) << net;
		return nullptr;
	} catch (std::exception& e) {
		return fail(e.what());
	}
}
