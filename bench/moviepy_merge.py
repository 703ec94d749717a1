#!/usr/bin/env python3
"""The MoviePy 2 peer of bench/merge.sh: clips joined with 0.5 s crossfades over a song.

    moviepy_merge.py OUTPUT SONG CLIP...
"""
import sys

from moviepy import AudioFileClip, CompositeVideoClip, VideoFileClip, vfx, afx

output, song_path, clip_paths = sys.argv[1], sys.argv[2], sys.argv[3:]
fade = 0.5
clips, start = [], 0.0
for index, path in enumerate(clip_paths):
    clip = VideoFileClip(path).without_audio()
    if index > 0:
        clip = clip.with_effects([vfx.CrossFadeIn(fade)])
    clips.append(clip.with_start(start))
    start += clip.duration - fade
video = CompositeVideoClip(clips)
song = AudioFileClip(song_path)
song = song.subclipped(0, min(video.duration, song.duration)).with_effects([afx.AudioFadeOut(1.0)])
video = video.with_audio(song)
video.write_videofile(output, codec="libx264", preset="veryfast", ffmpeg_params=["-crf", "23"],
                      audio_codec="aac", audio_bitrate="192k", fps=30, logger=None)
