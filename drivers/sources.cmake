# tape_drive.cpp, media_changer.cpp
