// dlib's frontal face (HOG) detector on a grey buffer, detection only: no
// JPEG round trip, no landmarks, no descriptor, and the scores go-face
// does not report.
#include <cstring>
#include <vector>
#include <dlib/image_processing/frontal_face_detector.h>
#include "hog_detect.h"

struct ft_hog {
	dlib::frontal_face_detector det;
};

ft_hog* ft_hog_new(void) {
	try {
		ft_hog* h = new ft_hog;
		h->det = dlib::get_frontal_face_detector();
		return h;
	} catch (...) {
		return nullptr;
	}
}

void ft_hog_free(ft_hog* h) { delete h; }

int ft_hog_detect(ft_hog* h, const unsigned char* grey, int w, int ht, double adjust, ft_hog_det* out, int max) {
	try {
		dlib::array2d<unsigned char> img(ht, w);
		for (int y = 0; y < ht; y++) {
			std::memcpy(&img[y][0], grey + (size_t)y * w, (size_t)w);
		}
		std::vector<dlib::rect_detection> dets;
		h->det(img, dets, adjust);
		for (size_t i = 0; i < dets.size() && (int)i < max; i++) {
			const dlib::rectangle& r = dets[i].rect;
			out[i].left = r.left();
			out[i].top = r.top();
			out[i].right = r.right();
			out[i].bottom = r.bottom();
			out[i].score = dets[i].detection_confidence;
			out[i].filter = (int)dets[i].weight_index;
		}
		return (int)dets.size();
	} catch (...) {
		return -1;
	}
}
